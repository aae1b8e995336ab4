"""The board's journey: open the home page, see the worst red flag of the subtree,
click it and land on the record; then the full page, filtered without diacritics."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lienhe.liaison.models import Introduction
from lienhe.petitions import services as petition_services
from lienhe.petitions.models import Agency, Category, Petition


@pytest.mark.django_db(transaction=True)
def test_board_clicks_a_red_flag_and_lands_on_the_record(
    desktop_page, phone_page, live_server, liaison_cast, login_page, password
):
    cast = liaison_cast
    from tests.liaison.helpers import letter

    today = timezone.localdate()
    intro = letter(cast, "issued")
    Introduction.objects.filter(pk=intro.pk).update(due_on=today - dt.timedelta(days=45))
    category, _ = Category.objects.get_or_create(
        code="infrastructure", defaults={"name": "Giao thông, hạ tầng, điện, nước"}
    )
    agency = Agency.objects.create(name="UBND xã Hai", kind="local")
    petition = petition_services.create_petition(
        organization=cast.other_cell,
        summary="Cầu treo thôn Đông hư hỏng",
        category=category,
        source_type=Petition.Source.STAFF,
    )
    petition = petition_services.assign(petition, agency, actor=cast.users["province_staff"])
    Petition.objects.filter(pk=petition.pk).update(due_on=today - dt.timedelta(days=3))

    page = desktop_page
    login_page(page, live_server, "tinh", password)
    panel = page.locator("section.card", has_text="Cảnh báo trong phạm vi phụ trách")
    expect(panel).to_be_visible()
    rows = panel.locator("tbody tr")
    expect(rows.first).to_contain_text("quá hạn nộp giấy giới thiệu")  # 45 days: ranked first
    expect(rows.first).to_contain_text("quá hạn 45 ngày")
    rows.first.locator("a").first.click()
    page.wait_for_url(f"{live_server.url}/lien-he/{intro.pk}/")
    expect(page.locator("h1")).to_be_visible()

    # The full page on a phone, searched without diacritics.
    phone = phone_page
    login_page(phone, live_server, "tinh", password)
    phone.goto(f"{live_server.url}/hom-nay/canh-bao/")
    phone.fill("input[name=q]", "cau treo")
    phone.click("button:has-text('Lọc')")
    results = phone.locator("#results")
    expect(results).to_contain_text("Cầu treo thôn Đông hư hỏng")
    expect(results).not_to_contain_text("quá hạn nộp giấy giới thiệu")
    phone.click("text=Cầu treo thôn Đông hư hỏng")
    phone.wait_for_url(f"{live_server.url}/kien-nghi/{petition.pk}/")
