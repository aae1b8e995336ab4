"""Year journey 4 at 390×844 (issue 20): a member reports going away to work → the
cell is notified and agrees → the commune approves (after a confirmation) → the member
applies in writing for a temporary exemption from party activities → the cell is
notified and proposes it → the commune is notified and issues the decision, prefilled
from the application (after a confirmation) → the member claims the month's party fee;
a second claim for the same month is refused with a message, and what was typed stays
on the form. Every step is a tap on what the phone shows, counted.

The exemption follows the member's application and the cell's proposal (Điều lệ Đảng
Điều 8 Khoản 1, Hướng dẫn 01-HD/TW; see lienhe/away/exemptions.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from lienhe.away.models import AwayPeriod, Exemption, ExemptionApplication, FeeClaim
from lienhe.notify.models import Notification
from lienhe.orgs.models import AdminUnit
from tests.factories import make_user

from .year import Journey

# Early December: the member leaves on the 5th and pays December's fee first.
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.mark.django_db(transaction=True)
def test_year_away_report_notified_exempted_fee_claim_duplicate_refused(
    phone_page, phone_context, live_server, cast, login_page, password
):
    AdminUnit.objects.get_or_create(
        code=79, defaults={"name": "Thành phố Hồ Chí Minh", "level": "province"}
    )
    a1 = cast.members["a1"]
    make_user("an", "member", cast.cell_a, member=a1)
    with time_machine.travel(NOW, tick=True):
        journey = Journey(
            "4-away",
            "Đi làm ăn xa: báo cáo → chi bộ → đơn, đề nghị, quyết định tạm miễn → báo nộp đảng phí",
        )
        asked: list[str] = []

        # 1. The member reports going away, from the menu.
        journey.step("an", "báo cáo đi làm ăn xa")
        member = journey.phone(phone_page, "an")
        login_page(member.page, live_server, "an", password)
        member.menu("Đảng phí, đi xa của tôi")
        member.link("Báo cáo đi làm ăn xa")
        member.choose("select[name=destination_unit]", label="Thành phố Hồ Chí Minh")
        member.type("input[name=destination_address]", "KCN VSIP I, phường Bình Hòa")
        member.type("input[name=employer]", "Công ty TNHH Điện tử Foster")
        member.type("input[name=start_on]", "05/12/2026")
        member.type("input[name=expected_end_on]", "30/11/2027")
        member.type("input[name=phone]", "0912345678")
        member.type("input[name=family_contact]", "Nguyễn Thị Hoa (vợ)")
        member.type("input[name=family_phone]", "0987654321")
        assert member.fits()
        member.button("Gửi báo cáo")
        member.page.get_by_text("Chờ chi bộ xem xét").first.wait_for()
        away = AwayPeriod.objects.get(member=a1)
        assert away.start_on == dt.date(2026, 12, 5)

        # 2. The cell is notified: the secretary opens the notification and agrees.
        journey.step("bithu", "chi bộ nhận thông báo, xem xét")
        secretary = journey.phone(phone_context(), "bithu")
        login_page(secretary.page, live_server, "bithu", password)
        secretary.link("thông báo mới")
        secretary.link(f"{a1.full_name} báo cáo đi làm ăn xa")
        secretary.check("input[name=decision][value=agree]")
        secretary.type("textarea[name=note]", "Chi bộ đồng ý, đề nghị đảng ủy xem xét.")
        secretary.button("Ghi ý kiến chi bộ")
        secretary.page.get_by_text("chờ đảng ủy duyệt").first.wait_for()

        # 3. The commune approves from its notification.
        journey.step("xa", "đảng ủy duyệt (có xác nhận)")
        staff = journey.phone(phone_context(), "xa")
        login_page(staff.page, live_server, "xa", password)
        staff.link("thông báo mới")
        staff.link(f"Chi bộ đề nghị duyệt: {a1.full_name} đi làm ăn xa")
        staff.check("input[name=decision][value=agree]")
        staff.confirm(asked)
        staff.button("Ghi ý kiến đảng ủy")
        staff.page.get_by_text("Đã duyệt").first.wait_for()
        away.refresh_from_db()
        assert away.status == AwayPeriod.Status.APPROVED and away.decision_number

        # 4. The member applies in writing for a temporary exemption, from the menu.
        journey.step("an", "làm đơn xin tạm miễn sinh hoạt")
        member.menu("Đảng phí, đi xa của tôi")
        member.link("Làm đơn xin tạm miễn sinh hoạt")
        ground = "Đi làm ăn xa, không có điều kiện sinh hoạt thường xuyên"
        member.choose("select[name=ground]", label=ground)
        member.type("input[name=start_on]", "05/12/2026")
        member.type("input[name=end_on]", "30/11/2027")
        member.type(
            "textarea[name=reason]",
            "Đi làm công nhân tại KCN VSIP I, làm ca không có điều kiện sinh hoạt chi bộ.",
        )
        assert member.page.locator("input[name=applied_on]").input_value() == "02/12/2026"
        assert member.fits()
        member.button("Gửi đơn")
        member.says("Đã ghi nhận đơn")
        application = ExemptionApplication.objects.get(member=a1)
        assert application.status == ExemptionApplication.Status.SUBMITTED
        assert application.away == away and application.ground == ground

        # 5. The cell is notified and proposes the exemption to the commune committee.
        journey.step("bithu", "chi bộ nhận thông báo, đề nghị tạm miễn")
        secretary.home()
        secretary.link("thông báo mới")
        secretary.link(f"{a1.full_name} làm đơn xin tạm miễn sinh hoạt")
        secretary.check("input[name=decision][value=propose]")
        secretary.type(
            "textarea[name=opinion]", "Chi bộ đề nghị đảng ủy cho đồng chí tạm miễn sinh hoạt."
        )
        assert secretary.page.locator("input[name=on]").input_value() == "02/12/2026"
        secretary.button("Lưu ý kiến chi bộ")
        secretary.says("Đã ghi ý kiến của chi bộ")
        application.refresh_from_db()
        assert application.status == ExemptionApplication.Status.PROPOSED

        # 6. The commune is notified and issues the decision, prefilled from the application.
        journey.step("xa", "quyết định tạm miễn sinh hoạt (có xác nhận)")
        staff.home()
        staff.link("thông báo mới")
        staff.link(f"Chi bộ đề nghị tạm miễn sinh hoạt: {a1.full_name}")
        staff.link("Cấp ủy quyết định tạm miễn")
        form = staff.page
        expect(form.locator("main")).to_contain_text("chi bộ đề nghị ngày 02/12/2026")
        assert form.locator("input[name=start_on]").input_value() == "05/12/2026"
        assert form.locator("input[name=end_on]").input_value() == "30/11/2027"
        assert form.locator("select[name=ground]").input_value() == ground
        staff.confirm(asked)
        staff.button("Ban hành quyết định")
        staff.says("Đã ban hành quyết định số")
        assert len(asked) == 2 and "tạm miễn" in asked[1]
        exemption = Exemption.objects.get(member=a1)
        assert exemption.start_on == dt.date(2026, 12, 5) and exemption.decision_number
        assert exemption.away == away and exemption.ground == ground
        application.refresh_from_db()
        assert application.status == ExemptionApplication.Status.DECIDED
        assert application.exemption == exemption
        # The member and the cell are told of the decision.
        told = Notification.objects.filter(kind="away.exemption", url__endswith=f"/{exemption.pk}/")
        assert (
            told.filter(user__member=a1).exists() and told.filter(user__username="bithu").exists()
        )

        # 7. Before leaving, the member reports paying December's fee by transfer.
        journey.step("an", "báo đã nộp đảng phí tháng 12/2026")
        member.menu("Đảng phí, đi xa của tôi")
        member.link("Đảng phí của tôi")
        assert member.page.locator("input[name=month_from]").input_value() == "12/2026"
        assert member.page.locator("input[name=month_to]").input_value() == "12/2026"
        member.type("input[name=amount]", "50000")
        member.type("input[name=reference]", "FT26336 dang phi T12 Nguyen Van An")
        member.button("Báo đã nộp")
        member.says("Đã báo nộp")
        assert FeeClaim.objects.filter(member=a1).count() == 1

        # 8. A second claim for the same month is refused, with a message, and kept.
        journey.step("an", "báo nộp lần hai cùng tháng: bị từ chối, có thông báo")
        member.type("input[name=amount]", "50000")
        member.type("input[name=reference]", "FT26337 dang phi thang 12")
        member.button("Báo đã nộp")
        expect(member.page.locator("main form.card")).to_contain_text(
            "Tháng 12/2026 đã được báo nộp ngày 02/12/2026"
        )
        assert member.page.locator("input[name=reference]").input_value() == (
            "FT26337 dang phi thang 12"
        )
        assert FeeClaim.objects.filter(member=a1).count() == 1
        assert member.fits() and staff.fits()

        for phone in (member, secretary, staff):
            phone.assert_clean()
        journey.report()
