"""Report figures and party fees as JSON: the same numbers as the web pages, the same
permissions, bounded queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe.away import fees
from lienhe.reports.models import ReportRun
from lienhe.reports.periodic import SECTIONS, SectionResult, parse_period, to_json
from tests.away.helpers import approved, payment
from tests.liaison.helpers import letter
from tests.meetings.helpers import make_meeting

pytestmark = pytest.mark.usefixtures("mid_year_clock")


@pytest.fixture
def data(cast):
    letter(cast, "active")
    make_meeting(cast.cell_a, state="held", expected_count=2, present_count=1)
    approved(cast)
    fees.open_month(timezone.localdate(), cast.province)
    payment(cast)
    return cast


def _round(value):
    return round(value, 9) if isinstance(value, float) else value


def _figures(sections):
    return [
        (s["key"], f["label"], _round(f["value"]), _round(f["previous"]))
        for s in sections
        for f in s["figures"]
    ]


def test_periodic_report_equals_the_web_run(data, api_as, login):
    cast = data
    period = f"{timezone.localdate().year}"
    web = login(cast.users["commune_staff"])
    url = reverse("reports:periodic") + f"?org={cast.commune.pk}"
    assert web.post(url, {"period": period, "org": cast.commune.pk}).status_code == 302
    run = ReportRun.objects.get(organization=cast.commune, period=period)
    assert run.state == "done"
    body = api_as("commune_staff").get(
        "/reports/periodic", {"org": cast.commune.pk, "period": period}
    )
    assert body.status_code == 200, body.json()
    assert _figures(body.json()["sections"]) == _figures(run.result)
    values = {label: value for _key, label, value, _prev in _figures(run.result)}
    assert (
        values["Buổi sinh hoạt đã tổ chức"] == 1
        and values["Tỷ lệ đảng viên dự sinh hoạt chi bộ"] == 0.5
    )
    assert body.json()["period"]["start"] == f"{period}-01-01"


def test_module_section_equals_the_section_function(data, api_as):
    cast = data
    period = parse_period(str(timezone.localdate().year))
    client = api_as("province_staff")
    for section in SECTIONS:
        body = client.get(
            f"/reports/{section.key}", {"org": cast.province.pk, "year": period.start.year}
        )
        assert body.status_code == 200, (section.key, body.json())
        figures = section.compute(cast.province, period.start, period.end)
        expected = to_json([SectionResult(section.key, section.title, figures)])
        assert _figures([body.json()["section"]]) == _figures(expected)
    ranged = client.get(
        "/reports/meetings",
        {"org": cast.province.pk, "start": "2026-01-01", "end": "2026-01-31"},
    )
    assert ranged.status_code == 200 and ranged.json()["period"]["code"] is None
    assert client.get("/reports/khong-co").status_code == 404
    bad = client.get("/reports/meetings", {"period": "2026-H3"})
    assert (
        bad.status_code == 422 and "Kỳ báo cáo không hợp lệ" in bad.json()["errors"][0]["message"]
    )


def test_participation_equals_the_web_page(data, api_as, login):
    cast = data
    for user, org in (("province_staff", cast.province), ("secretary_a", cast.cell_a)):
        page = login(cast.users[user]).get(reverse("reports:participation"), {"org": org.pk})
        result = page.context["result"]
        body = api_as(user).get("/reports/participation", {"org": org.pk}).json()
        keys = ("working", "exempt", "required", "active", "overdue", "rate")
        assert [r["organization"]["id"] for r in body["rows"]] == [r["org"].pk for r in result.rows]
        for got, want in zip(body["rows"], result.rows, strict=True):
            assert {k: got[k] for k in keys} == {
                k: want.get(k) or (None if k == "rate" else 0) for k in keys
            }
        assert body["totals"]["required"] == result.totals["required"]
        assert body["totals"]["rate"] == result.totals["rate"]
        assert body["totals"]["active"] == 1  # w1, introduced to cell A


def test_reports_follow_the_web_permissions(data, api_as):
    cast = data
    # another commune's officer: outside scope → 404; no reports:read → 403
    assert (
        api_as("secretary_a").get("/reports/periodic", {"org": cast.other_commune.pk}).status_code
        == 404
    )
    assert api_as("handler").get("/reports/participation").status_code in (403, 404)
    assert api_as("outsider").get("/reports/members").status_code in (403, 404)
    assert api_as("outsider").get("/fees/dues").status_code == 403


def test_fee_report_and_ledger_equal_the_web(data, api_as, login):
    cast = data
    month = fees.month_start(timezone.localdate())
    page = login(cast.users["commune_staff"]).get(reverse("away:fees"), {"org": cast.commune.pk})
    body = api_as("commune_staff").get("/reports/fees", {"org": cast.commune.pk}).json()
    assert body["month"] == month.isoformat()
    assert body["totals"] == page.context["totals"]
    assert [r["cell"] for r in body["rows"]] == [
        r["cell"].pk for r in page.context["page"].object_list
    ]
    a1 = cast.members["a1"]
    ledger = api_as("secretary_a").get(f"/members/{a1.pk}/fees").json()
    balance = fees.balances([a1.pk], until=timezone.localdate())[a1.pk]
    assert (ledger["due"], ledger["paid"], ledger["arrears"]) == (
        balance.due,
        balance.paid,
        balance.arrears,
    )
    assert [p["amount"] for p in ledger["payments"]] == [5000]
    assert api_as("secretary_b").get(f"/members/{a1.pk}/fees").status_code == 404
    mine = api_as("member").get(f"/members/{cast.members['w1'].pk}/fees")
    assert mine.status_code == 200


def test_fee_lists_are_scoped_filtered_and_bounded(data, api_as, django_assert_max_num_queries):
    cast = data
    province = api_as("province_staff")
    province.get("/me")
    with django_assert_max_num_queries(8):
        dues = province.get("/fees/dues", {"limit": 200}).json()["items"]
    assert {d["member"] for d in dues} >= {cast.members["a1"].pk, cast.members["o1"].pk}
    mine = api_as("secretary_a").get("/fees/dues").json()["items"]
    assert {d["organization"] for d in mine} == {cast.cell_a.pk}
    month = timezone.localdate().strftime("%Y-%m")
    payments = api_as("secretary_a").get("/fees/payments", {"month": month}).json()["items"]
    assert [p["amount"] for p in payments] == [5000]
    bad = api_as("secretary_a").get("/fees/payments", {"month": "11/2026"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["message"].startswith(
        "Tháng không hợp lệ"
    )


def test_report_query_counts_are_bounded(data, api_as, django_assert_max_num_queries):
    cast = data
    client = api_as("province_staff")
    client.get("/me")
    for _ in range(5):
        make_meeting(cast.cell_b, when=timezone.now() - dt.timedelta(days=40), state="held")
    with django_assert_max_num_queries(12):
        assert client.get("/reports/meetings", {"org": cast.province.pk}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/reports/participation", {"org": cast.province.pk}).status_code == 200


def test_meetings_frequency_equals_the_web_page(data, api_as, login):
    cast = data
    page = login(cast.users["commune_staff"]).get(
        reverse("meetings:report"), {"org": cast.commune.pk}
    )
    body = api_as("commune_staff").get("/reports/meetings/frequency", {"org": cast.commune.pk})
    assert body.status_code == 200, body.json()
    body = body.json()
    web_rows = page.context["rows"]
    assert [r["organization"]["id"] for r in body["rows"]] == [r["row"].org.pk for r in web_rows]
    for got, want in zip(body["rows"], web_rows, strict=True):
        assert (got["total"], got["held"], got["own_rate"]) == (
            want["row"].total,
            want["row"].held,
            want["own_rate"],
        )
    assert body["totals"]["total"] == page.context["report"].totals.total >= 1
    assert api_as("handler").get("/reports/meetings/frequency").status_code == 403
    far = api_as("secretary_a").get("/reports/meetings/frequency", {"org": cast.other_commune.pk})
    assert far.status_code == 404
