"""The one rounding rule: ratios are truncated to two decimals of a percent."""

from django.template import Context, Template

from lienhe.reports.toolkit import percent_number, percent_text, ratio, truncate_ratio


def test_province_published_figure_is_truncated_not_rounded():
    # Seed 000 (Hà Tĩnh): 30.030 of 98.377 members → "30,52%" (rounding gives 30,53%).
    assert ratio(30030, 98377) == 0.3052
    assert percent_text(ratio(30030, 98377)) == "30,52%"
    assert percent_number(30030, 98377) == 30.52
    assert truncate_ratio(0.305254) == 0.3052


def test_exact_binary_edge_is_not_truncated_down():
    assert ratio(3052, 10000) == 0.3052
    assert percent_text(ratio(3052, 10000)) == "30,52%"
    assert ratio(1, 3) == 0.3333
    assert ratio(2, 3) == 0.6666
    assert ratio(0, 5) == 0.0
    assert ratio(5, 0) is None
    assert percent_text(None) == "—"


def test_every_template_helper_gives_the_same_digits():
    html = Template(
        "{% load ui report %}{% percent 30030 98377 %}|{% rate 30030 98377 %}|{{ r|pct }}"
    ).render(Context({"r": ratio(30030, 98377)}))
    assert html == "30,52%|30,52%|30,52%"


# --- participation: both figures, same digits on page, PDF and Excel (issue 19) --------

import datetime as dt  # noqa: E402
import io  # noqa: E402
import subprocess  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
import time_machine  # noqa: E402

from lienhe.reports.figures import FIGURES, participation_figures  # noqa: E402
from lienhe.reports.toolkit import Breakdown  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.datetime(2026, 12, 3, 9, 0, tzinfo=TZ)


def test_participation_figures_from_the_seed_counts():
    f = participation_figures(active=30_030, members_all=98_377, working=60_000, exempt=3_000)
    assert f["published_rate"] == 0.3052  # over ALL members: the province's 30,52%
    assert f["rate"] == ratio(30_030, 57_000) == 0.5268
    assert percent_text(f["published_rate"]) == "30,52%"


@pytest.mark.django_db
def test_published_figure_is_30_52_on_page_pdf_and_excel(cast, login, monkeypatch):
    """98.377 members, 30.030 working members actively in touch: the published figure
    reads "30,52%" on the page, in the PDF (pdftotext) and in the Excel cell (0.3052,
    format 0.00%), before the current figure."""
    from openpyxl import load_workbook

    from lienhe.reports import report_views
    from lienhe.reports.participation import COLUMNS

    totals = {"name": "Tổng cộng", **participation_figures(30_030, 98_377, 60_000, 3_000)}
    row = {"org": cast.agency, "has_children": False, **totals, "name": "Đảng bộ Sở Y tế"}
    monkeypatch.setattr(
        report_views,
        "for_org",
        lambda org, on: (Breakdown(parent=org, rows=[row], totals=totals), COLUMNS),
    )
    http = login(cast.users["province_staff"])
    query = f"?org={cast.province.pk}&on=03/12/2026"
    with time_machine.travel(TODAY, tick=False):
        page = http.get("/bao-cao/tham-gia-noi-cu-tru/" + query).content.decode()
        xlsx = http.get("/bao-cao/tham-gia-noi-cu-tru/xuat/" + query).content
        pdf = http.get("/bao-cao/tham-gia-noi-cu-tru/pdf/" + query).content
    assert page.index('id="fig-participation_published">30,52%') < page.index(
        'id="fig-participation_current">52,68%'
    )
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "30,52%" in text and "52,68%" in text and "30,53%" not in text
    ws = load_workbook(io.BytesIO(xlsx)).active
    header = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "Tổ chức đảng")]
    col = header.index("Tỷ lệ trên tổng số đảng viên (số công bố)")
    assert col < header.index("Tỷ lệ trên số phải giữ mối liên hệ")
    cells = [r[col] for r in ws.iter_rows() if r[0].value in ("Đảng bộ Sở Y tế", "Tổng cộng")]
    assert [c.value for c in cells] == [0.3052, 0.3052]
    assert all(c.number_format == "0.00%" for c in cells)


def test_catalogue_lists_figures_with_source_and_as_of_rule():
    for name in ("members", "working_members", "letters_overdue", "participation_published"):
        figure = FIGURES[name]
        assert figure.label and figure.source and figure.definition and figure.as_of_rule


# --- overdue letters: one definition, same count on home, participation, periodic ------


@pytest.mark.django_db
def test_overdue_letters_same_count_on_home_participation_and_periodic(cast, login):
    from lienhe.liaison.registry import home_panel
    from lienhe.reports.participation import participation
    from lienhe.reports.periodic import build_report, parse_period
    from tests.factories import MemberFactory
    from tests.liaison.helpers import letter

    with time_machine.travel(TODAY, tick=False) as clock:
        w = [MemberFactory(organization=cast.agency_cell, is_working=True) for _ in range(3)]
        letter(cast, "issued", member=w[0], issued_days_ago=60)  # overdue
        letter(cast, "issued", member=w[1], issued_days_ago=2)  # deadline not reached yet
        letter(cast, "active", member=w[2])
        clock.move_to(TODAY)
        today = TODAY.date()
        http = login(cast.users["province_staff"])
        request = http.get("/").wsgi_request
        home = home_panel(request)["overdue"]
        report = participation(cast.province, today).totals["overdue"]
        sections = build_report(cast.province, parse_period("2026"), today=today)
        liaison = next(s for s in sections if s.key == "liaison")
        periodic = {f.label: f.value for f in liaison.figures}["Giấy giới thiệu quá hạn chưa nộp"]
        page = http.get("/").content.decode()
    assert home == report == periodic == 1
    assert "giấy quá hạn chưa nộp" in page


# --- periodic report: human names, as-of today, numbers in Excel --------------------


def test_period_names_are_human():
    from lienhe.reports.periodic import parse_period

    assert parse_period("2026-H1").label == "6 tháng đầu năm 2026"
    assert parse_period("2026-Q3").label == "Quý III/2026"
    assert parse_period("2026").label == "Năm 2026"
    assert parse_period("2026").as_of(dt.date(2026, 12, 3)) == dt.date(2026, 12, 3)
    assert parse_period("2025").as_of(dt.date(2026, 12, 3)) == dt.date(2025, 12, 31)


@pytest.mark.django_db
def test_running_period_title_and_excel_holds_numbers(cast, login):
    from django.urls import reverse
    from openpyxl import load_workbook

    from lienhe.reports.models import ReportRun

    with time_machine.travel(TODAY, tick=False):
        http = login(cast.users["province_staff"])
        form = http.get(reverse("reports:periodic") + f"?org={cast.province.pk}")
        assert "Quý III/2026" in form.content.decode()
        http.post(reverse("reports:periodic"), {"period": "2026", "org": cast.province.pk})
        run = ReportRun.objects.get()
        url = reverse("reports:periodic_run", args=[run.pk])
        page = http.get(url).content.decode()
        xlsx = http.get(url, {"format": "xlsx"}).content
        csv = http.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Báo cáo Năm 2026 (tính đến ngày 03/12/2026)" in page
    ws = load_workbook(io.BytesIO(xlsx)).active
    # The exporter base's title rows: the title in capitals, the issuer, the as-of date.
    assert ws["A1"].value == "BÁO CÁO NĂM 2026 (TÍNH ĐẾN NGÀY 03/12/2026)"
    assert ws["A3"].value == "Tính đến ngày 03/12/2026"
    assert ws.freeze_panes == "A6"
    rows = {r[1].value: r for r in ws.iter_rows(min_row=6)}
    members = rows["Đảng viên"][2]
    assert members.value == 5 and isinstance(members.value, int)
    rate = rows["Tỷ lệ tham gia (trên số phải giữ mối liên hệ)"][2]
    assert isinstance(rate.value, int | float) and rate.number_format == "0.00%"
    assert "Đảng viên,5" in csv


@pytest.mark.django_db
def test_recent_periodic_runs_are_listed_by_their_name_not_their_code(cast, login):
    """The list of recent runs read "2026-H1" (found by the year browser test)."""
    http = login(cast.users["province_staff"])
    with time_machine.travel(TODAY, tick=False):
        http.post("/bao-cao/dinh-ky/", {"org": cast.province.pk, "period": "2026-H1"})
        page = http.get(f"/bao-cao/dinh-ky/?org={cast.province.pk}").content.decode()
    recent = page[page.index("Các lần tạo gần đây") :]
    assert "6 tháng đầu năm 2026</a>" in recent and "2026-H1" not in recent


@pytest.mark.django_db
def test_periodic_excel_of_a_closed_period_is_dated_at_its_end(cast, login):
    """The first half of 2026, made on 06/07: its figures are as of 30/06/2026 and
    the Excel says so (it read "Tính đến ngày 06/07/2026"; year browser test)."""
    from openpyxl import load_workbook

    http = login(cast.users["province_staff"])
    made = dt.datetime(2026, 7, 6, 9, 0, tzinfo=TZ)
    with time_machine.travel(made, tick=False):
        response = http.post("/bao-cao/dinh-ky/", {"org": cast.province.pk, "period": "2026-H1"})
    with time_machine.travel(made + dt.timedelta(hours=2), tick=False):
        xlsx = http.get(response["Location"] + "?format=xlsx").content
    titles = [r[0].value for r in load_workbook(io.BytesIO(xlsx)).active.iter_rows(max_row=4)]
    assert "Tính đến ngày 30/06/2026" in titles
