from lienhe.reports.models import ReportRun
from tests.matrix import Case, only

READERS = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "agency_staff": 200,
    "viewer": 200,
}


def _run_of_province_staff(cast):
    run = ReportRun.objects.filter(user=cast.users["province_staff"]).first()
    if run is None:
        run = ReportRun.objects.create(
            user=cast.users["province_staff"], organization=cast.province, period="2026"
        )
    return {"pk": run.pk}


CASES = [
    Case("reports:periodic", only(READERS, 403)),
    # A run belongs to the user who asked for it: everybody else gets 404.
    Case(
        "reports:periodic_run",
        only(
            {"province_staff": 200, "visitor": 403, "handler": 403, "member": 403, "outsider": 403},
            404,
        ),
        kwargs=_run_of_province_staff,
    ),
]
