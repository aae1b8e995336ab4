import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["desktop_page", "phone_page"])
def test_staff_finds_member_by_name_without_diacritics(
    size, request, live_server, cast, login_page, password
):
    page = request.getfixturevalue(size)
    login_page(page, live_server, "tinh", password)
    page.goto(f"{live_server.url}/dang-vien/")
    page.fill("input[name=q]", "nguyen van an")
    page.keyboard.press("Enter")
    results = page.locator("#results")
    # Wait for the filtered results (the unfiltered list also shows the name).
    expect(results).not_to_contain_text("Trần Thị Bình")
    expect(results).to_contain_text("Nguyễn Văn An")
    page.click("text=Nguyễn Văn An")
    page.wait_for_selector("h1:has-text('Nguyễn Văn An')")
