"""Web pages of the api app (the API endpoints themselves are covered by tests/api)."""

from tests.matrix import Case, only


def _token_of_secretary_a(cast) -> dict:
    from lienhe.api.services import create_token

    token, _raw = create_token(cast.users["secretary_a"], "ma trận")
    return {"pk": token.pk}


CASES = [
    Case("api:tokens", {"default": 200}),
    Case(
        "api:token_revoke",
        only({"secretary_a": 302}, 404),
        kwargs=_token_of_secretary_a,
        method="post",
    ),
    Case("api:openapi-view", {"default": 200, "anonymous": 200}),
    Case("api:openapi-json", {"default": 200, "anonymous": 200}),
    Case(
        "api:docs_asset",
        {"default": 200, "anonymous": 200},
        kwargs=lambda c: {"name": "swagger-ui-init.js"},
    ),
]

WRITERS = {"admin": 200, "province_staff": 200, "commune_staff": 200, "agency_staff": 200}
EXPORTERS = {**WRITERS, "secretary_a": 200, "secretary_b": 200}


def _job_of_commune_staff(cast) -> dict:
    from lienhe.members.models import ImportJob

    job = ImportJob.objects.create(
        user=cast.users["commune_staff"],
        organization=cast.commune,
        kind="members",
        filename="ma-tran.xlsx",
        content=b"",
        headers=["Số thẻ đảng viên", "Chi bộ"],
        mapping={"0": "card_number", "1": "org_name"},
    )
    return {"pk": job.pk}


CASES += [
    Case("members:import", only(WRITERS, 403)),
    Case("members:import_template", only(WRITERS, 403)),
    Case(
        "members:import_job",
        only({"commune_staff": 200, "admin": 404, "province_staff": 404, "agency_staff": 404}, 403),
        kwargs=_job_of_commune_staff,
    ),
    Case(
        "members:import_progress",
        only({"commune_staff": 200, "admin": 404, "province_staff": 404, "agency_staff": 404}, 403),
        kwargs=_job_of_commune_staff,
    ),
    Case("members:full_export", only(EXPORTERS, 403)),
]
