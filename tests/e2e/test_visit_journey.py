"""Plan → visit report → petition created: the board plans a visit on a desktop, the
committee member files the report with a petition on a phone."""

import pytest
from django.utils import timezone

from lienhe.petitions.models import Category, Petition
from lienhe.visits.models import Visit
from tests.visits.world import world


@pytest.mark.django_db(transaction=True)
def test_plan_report_petition(desktop_page, phone_page, live_server, cast, login_page, password):
    w = world(cast)
    Category.objects.get_or_create(
        code="infrastructure", defaults={"name": "Giao thông, hạ tầng, điện, nước"}
    )
    today = timezone.localdate()
    page = desktop_page
    login_page(page, live_server, "tinh", password)
    page.goto(f"{live_server.url}/du-sinh-hoat/cap-uy/{w.committee.pk}/them-luot/")
    page.select_option("select[name=committee_member]", str(w.visitor_cm.pk))
    page.select_option("select[name=cell]", str(cast.cell_b.pk))
    page.fill("input[name=planned_on]", today.strftime("%d/%m/%Y"))
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=Đã thêm lượt dự sinh hoạt")
    visit = Visit.objects.get(cell=cast.cell_b, planned_on=today)

    phone = phone_page
    login_page(phone, live_server, "uyvien", password)
    phone.goto(f"{live_server.url}/du-sinh-hoat/")
    phone.click(f"a.btn[href='/du-sinh-hoat/luot/{visit.pk}/bao-cao/']")
    phone.fill("input[name=chair]", "Lê Văn Cường")
    phone.fill("textarea[name=content]", "Quán triệt nghị quyết; bàn làm đường thôn.")
    phone.check("input[name=criteria][value=prep_agenda]")
    phone.fill("input[name=pet-0-summary]", "Đường liên thôn sạt lở cần khắc phục")
    # The category is a select (issue 20 item 9), not free text that became "Lĩnh vực khác".
    phone.select_option("select[name=pet-0-category]", label="Giao thông, hạ tầng, điện, nước")
    phone.click("button:has-text('Nộp báo cáo')")
    phone.wait_for_selector("text=Đã nộp báo cáo")
    visit.refresh_from_db()
    assert visit.state == Visit.State.DONE
    petition = Petition.objects.get(source_type=Petition.Source.VISIT)
    assert petition.summary == "Đường liên thôn sạt lở cần khắc phục"
    assert petition.organization_id == cast.cell_b.pk
    assert petition.category.code == "infrastructure"
