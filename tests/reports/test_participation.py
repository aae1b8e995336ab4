import datetime as dt

import pytest
from django.utils import timezone

from lienhe.liaison import services
from lienhe.reports.participation import participation
from lienhe.reports.toolkit import Column, TableExporter, bar_chart_svg, ratio
from tests.factories import MemberFactory, make_org
from tests.liaison.helpers import letter

pytestmark = pytest.mark.django_db


def test_rate_arithmetic_matches_the_ha_tinh_figure():
    from lienhe.reports.toolkit import percent_text

    assert percent_text(ratio(30_030, 98_377)) == "30,52%"
    assert ratio(1, 0) is None


def test_participation_excludes_exempted_from_denominator(cast):
    staff = cast.users["agency_staff"]
    second_cell = make_org(cast.agency, name="Chi bộ Phòng Kế hoạch", side="workplace")
    w = [MemberFactory(organization=cast.agency_cell, is_working=True) for _ in range(3)]
    w += [MemberFactory(organization=second_cell, is_working=True) for _ in range(2)]
    letter(cast, "active")  # w1 active
    letter(cast, "active", member=w[0])
    letter(cast, "issued", member=w[1], issued_days_ago=40)  # overdue
    exempt = letter(cast, "active", member=w[2])
    services.set_exemption(exempt, group="study", reason="Học tập trung dài hạn", actor=staff)
    services.exempt_from_introduction(
        w[3], workplace_org=cast.agency, residence_org=cast.cell_b, reason="Quân đội", actor=staff
    )
    result = participation(cast.agency, timezone.localdate())
    t = result.totals
    assert (t["working"], t["exempt"], t["required"], t["active"], t["overdue"]) == (6, 2, 4, 2, 1)
    assert t["rate"] == 0.5
    rows = {r["org"].pk: r for r in result.rows}
    assert rows[cast.agency_cell.pk]["active"] == 2
    assert rows[second_cell.pk]["required"] == 1 and rows[second_cell.pk]["rate"] == 0
    # on a date before anything was handed in, nobody was active yet
    before = participation(cast.agency, timezone.localdate() - dt.timedelta(days=60))
    assert before.totals["active"] == 0


def test_participation_is_two_grouped_queries(cast, django_assert_max_num_queries):
    letter(cast, "active")
    with django_assert_max_num_queries(3):
        result = participation(cast.province, timezone.localdate())
    assert result.totals["working"] == 1


def test_chart_escapes_labels_and_exporter_has_totals():
    svg = str(bar_chart_svg([("<Chi bộ>", 30.52), ("Trống", None)], title="Tỷ lệ", digits=2))
    assert "&lt;Chi bộ&gt;" in svg and "30,52%" in svg and "—" in svg
    exporter = TableExporter(
        title="Thử",
        columns=[Column("name", "Tên", "text"), Column("n", "Số", "int")],
        rows=[{"name": "=cmd", "n": 2}],
        totals={"name": "Tổng cộng", "n": 2},
    )
    assert exporter.to_xlsx_bytes()[:2] == b"PK"
    csv = exporter.to_csv_text()
    assert "'=cmd" in csv and "Tổng cộng,2" in csv


def test_report_pages(cast, login, django_assert_max_num_queries):
    letter(cast, "active")
    client = login(cast.users["province_staff"])
    with django_assert_max_num_queries(20):
        page = client.get(f"/bao-cao/tham-gia-noi-cu-tru/?org={cast.province.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Đảng bộ Sở Y tế" in body and "<svg" in body and "100,00%" in body
    xlsx = client.get(f"/bao-cao/tham-gia-noi-cu-tru/xuat/?org={cast.agency.pk}")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(f"/bao-cao/tham-gia-noi-cu-tru/pdf/?org={cast.agency.pk}")
    assert pdf.content[:4] == b"%PDF"
    # drill-down outside the user's scope is a 404
    other = login(cast.users["secretary_b"])
    assert other.get(f"/bao-cao/tham-gia-noi-cu-tru/?org={cast.cell_a.pk}").status_code == 404


def test_residence_view_counts_letters_addressed_to_the_commune(cast, login):
    from lienhe.reports.participation import for_org

    letter(cast, "active")
    letter(
        cast,
        "issued",
        member=MemberFactory(organization=cast.agency_cell, is_working=True),
        residence=cast.cell_b,
        issued_days_ago=40,
    )
    result, columns = for_org(cast.commune, timezone.localdate())
    assert columns[1].label.startswith("Đảng viên được giới thiệu")
    rows = {r["org"].pk: r for r in result.rows}
    assert rows[cast.cell_a.pk]["active"] == 1 and rows[cast.cell_b.pk]["overdue"] == 1
    assert result.totals["rate"] == 0.5
    page = login(cast.users["commune_staff"]).get("/bao-cao/tham-gia-noi-cu-tru/")
    assert "Khối nơi cư trú" in page.content.decode() and "50,00%" in page.content.decode()
