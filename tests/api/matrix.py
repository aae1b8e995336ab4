"""Web pages of the api app (the API endpoints themselves are covered by tests/api)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.matrix import Case, only


def _revoked_tokens(cast) -> int:
    from lienhe.api.models import ApiToken

    return ApiToken.objects.filter(revoked_at__isnull=False).count()


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
        effect=_revoked_tokens,
        audit="api.token.revoked",
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


# --- the API endpoints (token auth): tests/api/test_api_matrix.py ----------------------
# Every endpoint is listed (test_every_url_is_in_the_matrix reads these names). Each is
# called by a user with no role anywhere (refused: 403 or 404, and a write leaves no
# audit row), without a token (401), and the lists and reports by the superuser (200).


@dataclass
class ApiCase:
    url_name: str
    method: str = "get"
    kwargs: Callable[[Any], dict] = lambda cast: {}
    admin: int | None = None  # the superuser's status, when checked
    public: int = 0  # no token needed: the status anyone gets


def _org(cast) -> dict:
    return {"org_id": cast.cell_a.pk}


def _member(cast) -> dict:
    return {"member_id": cast.members["w1"].pk}


def _letter(cast) -> dict:
    from tests.liaison.helpers import letter

    return {"pk": letter(cast).pk}


def _pk(cast) -> dict:
    return {"pk": cast.cell_a.pk}  # no such object is visible to the outsider anyway


LISTS = [
    "list_organizations",
    "list_members",
    "list_introductions",
    "list_meetings",
    "list_visits",
    "list_petitions",
    "list_away_periods",
    "list_comments",
    "list_reviews",
    "list_dues",
    "list_payments",
    "periodic",
    "participation",
    "meetings_frequency",
]
API_CASES = [
    ApiCase("api:me", admin=200),
    ApiCase("api:api-root", public=404),  # django-ninja's root: the docs live at /docs
    *(ApiCase(f"api:{name}", admin=200) for name in LISTS),
    ApiCase("api:module_report", kwargs=lambda c: {"module": "members"}, admin=200),
    ApiCase("api:fee_report", admin=200),
    ApiCase("api:get_organization", kwargs=_org, admin=200),
    ApiCase("api:organization_children", kwargs=_org, admin=200),
    ApiCase("api:get_member", kwargs=_member, admin=200),
    ApiCase("api:member_ledger", kwargs=_member),
    ApiCase("api:get_introductions", kwargs=_letter, admin=200),
    *(
        ApiCase(f"api:{name}", kwargs=_pk)
        for name in (
            "get_meetings",
            "get_visits",
            "get_petitions",
            "get_away_periods",
            "get_comments",
            "get_reviews",
            "meeting_attendance",
        )
    ),
    ApiCase("api:create_member", "post"),
    ApiCase("api:put_member", "put", kwargs=_member),
    ApiCase("api:patch_member", "patch", kwargs=_member),
    ApiCase("api:issue_letter", "post"),
    ApiCase("api:create_meeting", "post"),
    ApiCase("api:patch_meeting", "patch", kwargs=_pk),
    ApiCase("api:create_petition", "post"),
    ApiCase("api:patch_petition", "patch", kwargs=_pk),
    ApiCase("api:file_away", "post"),
    ApiCase("api:patch_away", "patch", kwargs=_pk),
    ApiCase("api:save_draft", "patch", kwargs=_pk),
    ApiCase("api:put_attendance", "put", kwargs=_pk),
    *(
        ApiCase(f"api:{name}", "post", kwargs=_letter)
        for name in ("issue_draft", "handin", "accept", "close")
    ),
    *(
        ApiCase(f"api:{name}", "post", kwargs=_pk)
        for name in (
            "send",
            "move_meeting",
            "cancel_meeting",
            "petition_assign",
            "petition_transfer",
            "petition_start",
            "petition_answer",
            "petition_close",
            "petition_reopen",
            "file_report",
            "mark_missed",
        )
    ),
]
