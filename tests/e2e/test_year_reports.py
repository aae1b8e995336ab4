"""Year journey 5 at 390×844 (issue 20): the province's staff reaches the province
report and the periodic report from the menu, opens a commune, and downloads each as
Excel and PDF; the files are checked to be a real workbook and a real PDF with the
figures in them. Every step is a tap on what the phone shows, counted."""

import datetime as dt
import io
import subprocess
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from lienhe.reports.models import ReportRun
from tests.reviews.data import live_introduction

from .year import Journey

# Early July: the first half of 2026 has just closed.
NOW = dt.datetime(2026, 7, 6, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _workbook(data: bytes) -> list[list]:
    assert data[:2] == b"PK"  # a zip container…
    book = openpyxl.load_workbook(io.BytesIO(data))  # …that openpyxl reads as a workbook
    sheet = book.active
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


def _open_pdf(phone, link: str) -> bytes:
    """Tap a PDF link that opens in a new tab; return the PDF the server sent (read
    on its way to the browser: Chromium's viewer does not expose the body)."""
    context = phone.page.context
    sent: list[bytes] = []

    def keep_pdf(route):
        if not route.request.url.startswith("http"):
            route.continue_()  # the PDF viewer's own files
            return
        response = route.fetch()
        if response.headers.get("content-type", "").startswith("application/pdf"):
            sent.append(response.body())
        route.fulfill(response=response)

    origin = "/".join(phone.page.url.split("/")[:3])
    context.route(f"{origin}/**", keep_pdf)
    new_tab = phone.page.get_by_role("link", name=link).get_attribute("target") == "_blank"
    try:
        if new_tab:
            with context.expect_page() as popup_info:
                phone.link(link)
            popup_info.value.wait_for_load_state()
            popup_info.value.close()
        else:
            phone.link(link)
            phone.page.wait_for_load_state()
            phone.page.go_back()  # the phone's back button
            phone._count(taps=1)
        assert sent, "no PDF was sent"
    finally:
        context.unroute(f"{origin}/**", keep_pdf)
    return sent[0]


def _cells(rows) -> str:
    return " ".join(str(c) for row in rows for c in row if c is not None)


@pytest.mark.django_db(transaction=True)
def test_year_reports_province_and_periodic_from_menu_excel_and_pdf(
    phone_page, live_server, cast, login_page, password
):
    with time_machine.travel(NOW, tick=True):
        live_introduction(cast)  # w1 (Sở Y tế) lives in cell A and is active there
        journey = Journey("5-reports", "Báo cáo tỉnh và báo cáo định kỳ: Excel và PDF")
        staff = journey.phone(phone_page, "tinh")
        page = staff.page
        login_page(page, live_server, "tinh", password)

        # 1. The province report, from the menu.
        journey.step("tinh", "báo cáo tỉnh từ menu")
        staff.menu("Báo cáo")
        page.locator("h1").get_by_text("giữ mối liên hệ nơi cư trú").wait_for()
        assert page.get_by_role("link", name=cast.agency.name).is_visible()
        assert staff.fits()

        journey.step("tinh", "tải Excel, PDF báo cáo tỉnh")
        with page.expect_download() as download:
            staff.link("Xuất Excel")
        rows = _workbook(download.value.path().read_bytes())
        assert "GIỮ MỐI LIÊN HỆ NƠI CƯ TRÚ" in _cells(rows[:3])
        assert cast.agency.name in _cells(rows)
        text = _pdf_text(_open_pdf(staff, "In báo cáo (PDF)"))
        assert cast.province.name in text and cast.agency.name in text

        # A commune of the province, then back up by the breadcrumb.
        journey.step("tinh", "xuống đảng bộ cơ quan, quay lại tỉnh")
        staff.link(cast.agency.name)
        page.locator("nav.breadcrumbs").get_by_text(cast.agency.name).wait_for()
        assert page.get_by_role("cell", name=cast.agency_cell.name).first.is_visible()
        staff.tap(page.locator("nav.breadcrumbs").get_by_role("link", name=cast.province.name))
        page.get_by_role("link", name=cast.agency.name).wait_for()

        # 2. The periodic report of the first half of 2026, from the same page.
        journey.step("tinh", "báo cáo định kỳ 6 tháng đầu năm")
        staff.link("Báo cáo định kỳ")
        # The form proposes the running year; the secretary picks the half just closed.
        assert page.locator("select[name=period]").input_value() == "2026"
        staff.choose("select[name=period]", label="6 tháng đầu năm 2026")
        staff.button("Tạo báo cáo")
        page.get_by_role("link", name="Xuất Excel").wait_for(timeout=30_000)
        run = ReportRun.objects.get(user=cast.users["province_staff"])
        assert run.state == ReportRun.State.DONE and run.period == "2026-H1"
        assert staff.fits()

        journey.step("tinh", "tải Excel, PDF báo cáo định kỳ")
        with page.expect_download() as download:
            staff.link("Xuất Excel")
        rows = _workbook(download.value.path().read_bytes())
        assert "BÁO CÁO 6 THÁNG ĐẦU NĂM 2026" in _cells(rows[:3])
        assert "Tính đến ngày 30/06/2026" in _cells(rows[:4])  # a closed half: its end
        header = next(row for row in rows if "Chỉ tiêu" in row)
        assert {"Lĩnh vực", "Kỳ này", "Kỳ trước"} <= set(header)
        figures = rows[rows.index(header) + 1 :]
        assert len(figures) > 10 and any(isinstance(r[2], int) and r[2] > 0 for r in figures)
        text = _pdf_text(_open_pdf(staff, "In PDF (để ký)"))
        assert "BÁO CÁO 6 THÁNG ĐẦU NĂM 2026" in text and cast.province.name in text
        assert "Đã nộp giấy, đang sinh hoạt" in text

        staff.assert_clean()
        journey.report()
