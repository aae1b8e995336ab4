"""Minutes → petition → the agency answers → the answer is on the cell's next
meeting agenda, each step in a real browser by the person who does it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lienhe.meetings.models import Meeting
from lienhe.petitions.models import Agency, Category, Petition


@pytest.mark.django_db(transaction=True)
def test_minutes_petition_answered_and_reported_at_next_meeting(
    desktop_page, phone_page, live_server, cast, login_page, password
):
    Category.objects.get_or_create(
        code="infrastructure", defaults={"name": "Giao thông, hạ tầng, điện, nước"}
    )
    agency = Agency.objects.create(name="Sở Y tế tỉnh", kind="department", organization=cast.agency)
    held = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=timezone.now() - dt.timedelta(days=2),
        state=Meeting.State.HELD,
    )
    # 1. The secretary records the issue in the minutes, on her phone.
    page = phone_page
    login_page(page, live_server, "bithu", password)
    page.goto(f"{live_server.url}/sinh-hoat/{held.pk}/bien-ban/")
    page.fill("input[name=summary]", "Đường vào trạm y tế phường xuống cấp")
    page.fill("input[name=category]", "Giao thông")
    page.locator("input[name=summary]").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    petition = Petition.objects.get(source_type="minutes")
    assert petition.organization == cast.cell_a and petition.category.code == "infrastructure"

    # 2. The commune committee routes it to the agency.
    staff = desktop_page
    login_page(staff, live_server, "xa", password)
    staff.goto(f"{live_server.url}/kien-nghi/")
    staff.fill("input[name=q]", "duong vao tram y te")
    staff.click("text=Đường vào trạm y tế phường xuống cấp")
    staff.click("text=Chuyển cơ quan giải quyết")
    staff.select_option("select[name=agency]", label="Sở Y tế tỉnh")
    staff.click("button:has-text('Xác nhận')")
    expect(staff.locator(".messages")).to_contain_text("hạn trả lời")

    # 3. The agency handler answers (same browser, new login).
    staff.context.clear_cookies()
    login_page(staff, live_server, "so", password)
    staff.goto(f"{live_server.url}/kien-nghi/{petition.pk}/")
    staff.click("button:has-text('Nhận xử lý')")
    staff.click("a:has-text('Trả lời')")
    staff.fill("textarea[name=answer]", "Sở đã bố trí kinh phí, thảm nhựa 400 m trong tháng tới.")
    staff.click("button:has-text('Xác nhận')")
    expect(staff.locator("h1")).to_contain_text("Đã trả lời")
    petition.refresh_from_db()
    assert petition.state == "answered" and petition.agency == agency

    # 4. Next meeting: the answer is on the proposed agenda for the secretary.
    nxt = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=timezone.now() + dt.timedelta(days=5),
    )
    page.goto(f"{live_server.url}/sinh-hoat/{nxt.pk}/bien-ban/")
    agenda = page.locator("textarea[name=agenda]")
    expect(agenda).to_have_value(
        f"Thông báo trả lời kiến nghị #{petition.pk} “Đường vào trạm y tế phường xuống cấp” "
        "của Sở Y tế tỉnh: Sở đã bố trí kinh phí, thảm nhựa 400 m trong tháng tới."
    )
