"""A member files a going-away report on a phone; the cell considers it and the
commune committee approves it, each on their own phone."""

import pytest

from lienhe.away.models import AwayPeriod
from lienhe.orgs.models import AdminUnit


@pytest.mark.django_db(transaction=True)
def test_member_files_going_away_report_on_phone_through_to_approval(
    live_server, cast, login_page, password, phone_context
):
    AdminUnit.objects.get_or_create(
        code=79, defaults={"name": "Thành phố Hồ Chí Minh", "level": "province"}
    )
    # b1 (user bithub) files their own report; they are also cell B's secretary.
    member = phone_context()
    login_page(member, live_server, "bithub", password)
    member.goto(f"{live_server.url}/di-lam-an-xa/cua-toi/")
    member.click("text=Báo cáo đi làm ăn xa")
    member.select_option("select[name=destination_unit]", label="Thành phố Hồ Chí Minh")
    member.fill("input[name=destination_address]", "KCN VSIP I, phường Bình Hòa")
    member.fill("input[name=employer]", "Công ty TNHH Điện tử Foster")
    member.fill("input[name=start_on]", "01/12/2026")
    member.fill("input[name=expected_end_on]", "30/11/2027")
    member.fill("input[name=phone]", "0912345678")
    member.fill("input[name=family_contact]", "Lê Thị Hoa (vợ)")
    member.fill("input[name=family_phone]", "0987654321")
    member.click("button:has-text('Gửi báo cáo')")
    member.wait_for_selector("text=Chờ chi bộ xem xét")
    away = AwayPeriod.objects.get(member=cast.members["b1"])

    # The cell considers it (the same person, as secretary of cell B).
    member.check("input[name=decision][value=agree]")
    member.fill("textarea[name=note]", "Chi bộ đồng ý, đề nghị đảng ủy xem xét.")
    member.click("button:has-text('Ghi ý kiến chi bộ')")
    member.wait_for_selector("text=chờ đảng ủy duyệt")

    # The commune committee approves on another phone.
    staff = phone_context()
    login_page(staff, live_server, "xa", password)
    staff.goto(f"{live_server.url}/di-lam-an-xa/{away.pk}/")
    staff.check("input[name=decision][value=agree]")
    staff.once("dialog", lambda dialog: dialog.accept())  # it asks first (issue 20 item 6)
    staff.click("button:has-text('Ghi ý kiến đảng ủy')")
    staff.wait_for_selector("text=Đã duyệt")
    away.refresh_from_db()
    assert away.status == AwayPeriod.Status.APPROVED
    assert away.decision_number
    # Nothing on the phone page is wider than the screen.
    width = staff.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
