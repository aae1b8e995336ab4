"""The one official-paper layout (Hướng dẫn 36-HD/VPTW): naming rule, number, place,
signer, and every registered paper kind rendered to PDF with all its parts."""

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lienhe.access.models import Role
from lienhe.documents.papers import (
    PAPER_KINDS,
    default_signer,
    issuing_names,
    make_paper,
    place_name,
)
from lienhe.documents.services import render_pdf
from lienhe.orgs.models import AdminUnit, Organization

from ..factories import MemberFactory, make_user

DAY = dt.date(2026, 12, 3)


@pytest.fixture
def units(cast):
    province = AdminUnit.objects.create(code=990042, name="Tỉnh Hà Tĩnh", level="province")
    commune = AdminUnit.objects.create(
        code=990043, name="Xã Sơn Tiến", level="commune", parent=province
    )
    Organization.objects.filter(pk=cast.province.pk).update(admin_unit=province)
    Organization.objects.filter(pk=cast.commune.pk).update(admin_unit=commune)
    for org in ("province", "commune", "cell_a", "agency", "agency_cell"):
        getattr(cast, org).refresh_from_db()
    return cast


def test_issuing_body_follows_one_rule_for_every_level(cast):
    assert issuing_names(cast.province) == ("", "TỈNH ỦY THỬ")
    assert issuing_names(cast.commune) == ("ĐẢNG BỘ TỈNH THỬ", "ĐẢNG ỦY PHƯỜNG MỘT")
    assert issuing_names(cast.agency) == ("ĐẢNG BỘ TỈNH THỬ", "ĐẢNG ỦY SỞ Y TẾ")
    assert issuing_names(cast.cell_a) == ("ĐẢNG BỘ PHƯỜNG MỘT", "CHI BỘ TỔ DÂN PHỐ 1")


def test_place_is_the_short_name_of_the_nearest_administrative_unit(units):
    assert place_name(units.province) == "Hà Tĩnh"
    assert place_name(units.commune) == "Sơn Tiến"
    assert place_name(units.cell_a) == "Sơn Tiến"  # a cell takes its commune's unit
    assert place_name(units.agency_cell) == "Hà Tĩnh"  # agencies sit in the province


def test_place_without_an_administrative_unit_is_the_province_of_the_tree(cast):
    # Never ", ngày …": the top of the tree names the province ("Đảng bộ tỉnh Thử").
    assert place_name(cast.province) == "Thử"
    assert place_name(cast.cell_a) == "Thử"


def test_number_comes_from_the_register_per_issuer_kind_and_year(cast):
    first = make_paper(cast.commune, kind="BC", issued_on=DAY, number_key="r-1")
    again = make_paper(cast.commune, kind="BC", issued_on=DAY, number_key="r-1")
    second = make_paper(cast.commune, kind="BC", issued_on=DAY, number_key="r-2")
    other_kind = make_paper(cast.commune, kind="KH", issued_on=DAY, number_key="r-1")
    cell = make_paper(cast.cell_a, kind="BC", issued_on=DAY, number_key="r-1")
    next_year = make_paper(cast.commune, kind="BC", issued_on=dt.date(2027, 1, 2), number_key="x")
    assert first.number == again.number == "1-BC/ĐU"  # printing twice keeps the number
    assert second.number == "2-BC/ĐU"
    assert other_kind.number == "1-KH/ĐU"
    assert cell.number == "1-BC/CB"
    assert next_year.number == "1-BC/ĐU"
    province = make_paper(cast.province, kind="BC", issued_on=DAY, number_key="r-1")
    assert province.number == "1-BC/TU"


def test_signer_is_an_officer_with_position_and_member_name_never_the_account(cast):
    # No officer known: a blank line for the handwritten name, not a username.
    blank = default_signer(cast.commune)
    assert blank.name == "" and blank.lines == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    deputy = make_user(
        "phobithu",
        member=MemberFactory(full_name="Lê Văn Cường", organization=cast.cell_b),
        first_name="Văn phòng",
    )
    Role.objects.create(
        user=deputy, organization=cast.commune, role="committee_staff", title="Phó Bí thư"
    )
    signer = default_signer(cast.commune)
    assert signer.name == "Lê Văn Cường"
    assert signer.lines == ["T/M ĐẢNG ỦY", "K/T BÍ THƯ", "PHÓ BÍ THƯ"]
    chief = make_user(
        "bithuxa", member=MemberFactory(full_name="Nguyễn Văn An", organization=cast.cell_b)
    )
    Role.objects.create(
        user=chief, organization=cast.commune, role="committee_staff", title="Bí thư Đảng ủy"
    )
    assert default_signer(cast.commune).name == "Nguyễn Văn An"
    staff = make_user("vanphong", first_name="Văn phòng Đảng ủy")
    Role.objects.create(
        user=staff, organization=cast.province, role="committee_staff", title="Chánh Văn phòng"
    )
    s = default_signer(cast.province)
    assert s.name == "" and s.lines == ["TL BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"]


class Blank:
    """Stands for any object a paper's body reads (the layout is under test here;
    each module's own tests render the body with real objects)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Blank()

    def __getitem__(self, key):
        return Blank()

    def __iter__(self):
        return iter(())

    def __bool__(self):
        return False

    def __len__(self):
        return 0

    def __int__(self):
        return 0

    def __float__(self):
        return 0.0

    def __str__(self):
        return "0"


def _body_context(template_name: str) -> dict:
    from django.template.loader import get_template

    source = Path(get_template(template_name).origin.name).read_text()
    names = set(re.findall(r"\b([a-z_][a-z0-9_]*)\b", source)) - {"paper", "docs"}
    ctx = {name: Blank() for name in names}
    ctx["chart"] = {"width": 600, "height": 40, "groups": [], "bars": []}
    return ctx


def _pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "paper.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        )
    return out.stdout


def test_every_kind_of_paper_is_registered():
    assert len(PAPER_KINDS) >= 15


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("slug", sorted(PAPER_KINDS))
def test_every_paper_kind_renders_all_parts_of_the_layout(units, slug):
    kind = PAPER_KINDS[slug]
    officer = make_user(
        "bithu-xa", member=MemberFactory(full_name="Lê Văn Cường", organization=units.cell_b)
    )
    Role.objects.create(
        user=officer, organization=units.commune, role="committee_staff", title="Bí thư Đảng ủy"
    )
    paper = make_paper(
        units.commune,
        kind=kind.symbol,
        title="Tiêu đề văn bản",
        issued_on=DAY,
        number_key=f"test-{slug}",
        recipients=["Ban Thường vụ", "Lưu"],
    )
    ctx = _body_context(kind.template) | {
        "paper": paper,
        "docs": [{"paper": paper, "intro": Blank()}],
    }
    text = _pdf_text(render_pdf(kind.template, ctx))
    flat = " ".join(text.split())
    assert "ĐẢNG BỘ TỈNH THỬ" in flat
    assert "ĐẢNG ỦY PHƯỜNG MỘT" in flat
    assert "*" in flat
    assert f"Số 1-{kind.symbol}/ĐU" in flat
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in flat
    assert "Sơn Tiến, ngày 03 tháng 12 năm 2026" in flat
    assert "TIÊU ĐỀ VĂN BẢN" in flat
    assert "Nơi nhận:" in flat and "- Ban Thường vụ," in flat
    assert "T/M ĐẢNG ỦY" in flat and "BÍ THƯ" in flat
    assert "Lê Văn Cường" in flat  # the officer's full name, from the member record


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.split()) for page in _pdf_text(pdf).split("\f") if page.strip()]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("n", [9, 19, 40])
def test_long_report_keeps_rows_whole_header_repeated_and_signature_with_last_rows(cast, n):
    """A report table over several pages: no row split across pages (each row's name
    wraps over three lines), the header on every page, the totals row as on the web
    page, and the signature on the page of the last rows, never alone with the
    totals. n = 9 and 19 are the counts where, without `break-before: avoid` on the
    last rows, the signature went over with only the totals row."""
    from lienhe.reports.toolkit import Column, render_report_pdf

    columns = [
        Column("name", "Tổ chức", "text", 40),
        Column("members", "Đảng viên", "int"),
        Column("rate", "Tỷ lệ", "percent"),
    ]
    rows = [
        {
            "name": f"Đảng bộ xã Sơn-Tiến-{i:03d} vùng cao biên giới phía tây của tỉnh Z{i:03d}",
            "members": 10000 + i,
            "rate": 0.5,
        }
        for i in range(n)
    ]
    pdf = render_report_pdf(
        title="Báo cáo dài",
        columns=columns,
        rows=rows,
        totals={"name": "Tổng cộng", "members": 10000 * n, "rate": 0.5},
        org=cast.commune,
        date=DAY,
        number_key=f"long-{n}",
    )
    pages = _pages(pdf)
    assert len(pages) >= 2
    assert "Thử, ngày 03 tháng 12 năm 2026" in pages[0]  # place from the top of the tree
    for i in range(n):
        parts = (f"Sơn-Tiến-{i:03d}", f"{10000 + i:,}".replace(",", "."), f"Z{i:03d}")
        holding = {k for k, page in enumerate(pages) for part in parts if part in page}
        assert len(holding) == 1, (i, holding)  # the whole row on one page
    for page in pages:
        if "Sơn-Tiến-" in page:
            assert "STT Tổ chức Đảng viên Tỷ lệ" in page  # header repeated
    last = pages[-1]
    assert "T/M ĐẢNG ỦY" in last and "Nơi nhận:" in last
    assert f"Tổng cộng {10000 * n:,}".replace(",", ".") in last
    assert f"Z{n - 1:03d}" in last and f"Z{n - 2:03d}" in last


def _periodic_pdf(cast):
    from lienhe.reports.models import ReportRun

    run = ReportRun.objects.create(
        user=cast.users["province_staff"],
        organization=cast.province,
        period="2026",
        state=ReportRun.State.DONE,
        result=[],
    )
    return {"pk": run.pk}


def _visits_world(cast):
    from ..visits.world import world

    world(cast)
    return None


# Every report PDF, as the province staff prints it for the province.
REPORT_PDFS = [
    ("meetings:report_pdf", "", None),
    ("reports:participation_pdf", "", None),
    ("reports:periodic_run", "format=pdf", _periodic_pdf),
    ("petitions:report", "format=pdf", None),
    ("reviews:report", "format=pdf", None),
    ("away:report_pdf", "", None),
    ("visits:plan_pdf", "", _visits_world),
    ("visits:compliance_pdf", "", _visits_world),
]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize(("url_name", "query", "prepare"), REPORT_PDFS)
@time_machine.travel(
    dt.datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
)
def test_every_report_pdf_is_an_official_paper(cast, login, url_name, query, prepare):
    """The report PDFs the views really print: the province written one way
    ("TỈNH ỦY THỬ"), a number from the register, the place and date line, the
    signature with the position and "Nơi nhận"."""
    from django.urls import reverse

    officer = make_user(
        "bithutinh", member=MemberFactory(full_name="Trần Quốc Bảo", organization=cast.cell_b)
    )
    Role.objects.create(
        user=officer, organization=cast.province, role="committee_staff", title="Bí thư Tỉnh ủy"
    )
    kwargs = prepare(cast) if prepare else None
    url = reverse(url_name, kwargs=kwargs) + (f"?{query}" if query else "")
    response = login(cast.users["province_staff"]).get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    flat = " ".join(_pdf_text(response.content).split())
    assert "TỈNH ỦY THỬ" in flat
    for other in ("ĐẢNG ỦY TỈNH", "BAN CHẤP HÀNH", "/BAN TỔ CHỨC"):
        assert other not in flat
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in flat
    assert re.search(r"Số \d+-[A-ZĐ]+/TU", flat), flat[:400]
    assert "Thử, ngày 03 tháng 12 năm 2026" in flat
    assert "Nơi nhận:" in flat
    assert "T/M BAN THƯỜNG VỤ" in flat and "BÍ THƯ" in flat
    assert "Trần Quốc Bảo" in flat  # the officer's full name, never an account's name


@pytest.mark.django_db
def test_paper_of_an_issuer_without_administrative_unit_names_the_province(cast, login):
    """The test province has no administrative unit: its periodic report PDF printed
    ", ngày 06 tháng 07 năm 2026" (a bare comma, found by the year browser test)."""
    from zoneinfo import ZoneInfo

    import time_machine

    assert place_name(cast.province) == "Thử"  # from the top of the tree
    http = login(cast.users["province_staff"])
    now = dt.datetime(2026, 7, 6, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(now, tick=False):
        response = http.post("/bao-cao/dinh-ky/", {"org": cast.province.pk, "period": "2026-H1"})
        pdf = http.get(response["Location"] + "?format=pdf").content
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    lines = [line.strip() for line in text.splitlines()]
    assert "Thử, ngày 06 tháng 07 năm 2026" in lines
    assert not any(line.startswith(", ngày") for line in lines)
