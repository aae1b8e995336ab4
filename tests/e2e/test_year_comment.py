"""Year journey 2 at 390×844 (issue 20): the workplace requests the yearly comments
from the UI → the residence secretary writes one, signs and sends it after a
confirmation → the workplace sees it → the committee's review meets the conflict rule
(a "good" rating against a lower residence conclusion needs a justification).
Every step is a tap on what the phone shows, counted."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lienhe.reviews.models import ResidenceComment, YearReview
from tests.factories import MemberFactory
from tests.reviews.data import live_introduction

from .year import Journey

# Mid-November: the season of the yearly comments and reviews.
NOW = dt.datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
YEAR = 2026


@pytest.mark.django_db(transaction=True)
def test_year_comment_requested_written_signed_seen_and_reviewed(
    phone_page, phone_context, live_server, cast, login_page, password
):
    with time_machine.travel(NOW, tick=True):
        w1 = cast.members["w1"]
        live_introduction(cast)
        # A second working member of the agency, living in cell B.
        w2 = MemberFactory(
            full_name="Đặng Thu Hà",
            organization=cast.agency_cell,
            is_working=True,
            employer="Sở Y tế",
            gender="female",
        )
        live_introduction(cast, member=w2, residence=cast.cell_b)
        journey = Journey("2-comment", "Nhận xét nơi cư trú: yêu cầu → viết → ký gửi → đánh giá")
        asked: list[str] = []

        # 1. The agency requests the yearly comments of all its working members.
        journey.step("coquan", "yêu cầu nhận xét năm từ giao diện")
        staff = journey.phone(phone_page, "coquan")
        login_page(staff.page, live_server, "coquan", password)
        staff.menu("Nhận xét, đánh giá")
        staff.link(f"Yêu cầu nhận xét năm — {cast.agency.name}")
        assert staff.page.locator("input[name=year]").input_value() == str(YEAR)
        staff.button("Gửi yêu cầu")
        staff.says("Đã yêu cầu 2 nhận xét mới")
        comment = ResidenceComment.objects.get(member=w1, year=YEAR)
        assert comment.state == ResidenceComment.State.REQUESTED
        assert comment.residence_org == cast.cell_a

        # 2. The secretary of cell A opens the request from her notifications and
        # writes the comment.
        journey.step("bithu", "mở thông báo, viết nhận xét")
        secretary = journey.phone(phone_context(), "bithu")
        login_page(secretary.page, live_server, "bithu", password)
        secretary.link("thông báo mới")
        secretary.link(f"Yêu cầu nhận xét đảng viên {w1.full_name}")
        duties = secretary.page.locator("textarea[name^=duty_]")
        duties.first.wait_for()  # the form page, not the one the tap left
        assert duties.count() >= 5
        for i in range(duties.count()):
            secretary.type(duties.nth(i), "Ít tham gia sinh hoạt tổ, chưa gương mẫu")
        # Below the "good" level of the residence scale (the conflict rule's trigger).
        secretary.check("input[name=conclusion][value='1']")
        label = secretary.page.locator("label[for=id_conclusion_1]").inner_text().strip()

        # 3. Signed and sent, after the phone asks first.
        journey.step("bithu", "ký và gửi (có xác nhận)")
        secretary.confirm(asked)
        secretary.button("Ký và gửi nơi công tác")
        secretary.says("Đã gửi nhận xét")
        assert asked and "Ký và gửi" in asked[0]
        comment.refresh_from_db()
        assert comment.state == ResidenceComment.State.SENT and comment.conclusion == 1
        assert comment.conclusion_label == label and comment.signed_by.username == "bithu"

        # 4. The workplace sees it, from its own notification.
        journey.step("coquan", "nơi công tác xem nhận xét đã gửi")
        staff.home()
        staff.link("thông báo mới")
        staff.link(f"Nhận xét nơi cư trú năm {YEAR} của {w1.full_name} đã được gửi")
        staff.page.get_by_text(label, exact=True).first.wait_for()
        assert staff.page.get_by_text("Ít tham gia sinh hoạt tổ").first.is_visible()

        # 5. The committee decides "Hoàn thành tốt" (QĐ 366: 25 + 55 = 80 points):
        # the residence said less, so a justification is asked for, and what was
        # chosen is still on the form.
        journey.step("coquan", "đánh giá, xếp loại với quy tắc khác biệt")
        staff.menu("Nhận xét, đánh giá")
        staff.link("Đánh giá, xếp loại")
        staff.link(w1.full_name)
        staff.choose("select[name=step]", value="final")
        staff.type("input[name=score_general]", "25")
        staff.type("input[name=score_tasks]", "55")
        staff.check("#lv-good")
        staff.confirm(asked)
        staff.button("Lưu")
        staff.page.locator("form .messages").get_by_text("cần giải trình").wait_for()
        assert not YearReview.objects.filter(member=w1, year=YEAR, state="final").exists()
        # Nothing chosen was lost.
        assert staff.page.locator("select[name=step]").input_value() == "final"
        assert staff.page.locator("input[name=score_general]").input_value() == "25"
        assert staff.page.locator("input[name=score_tasks]").input_value() == "55"
        assert staff.page.locator("#lv-good").is_checked()
        staff.type("textarea[name=justification]", "Thành tích nổi bật ở cơ quan, đã nhắc nhở.")
        staff.confirm(asked)
        staff.button("Lưu")
        staff.page.locator(".badge.danger").get_by_text("khác biệt với nơi cư trú").wait_for()
        assert len(asked) == 3 and all("Cấp ủy quyết định" in m for m in asked[1:])
        review = YearReview.objects.get(member=w1, year=YEAR)
        assert review.state == "final" and review.decision_level == "good"
        assert review.conflict and review.residence_comment == comment
        assert staff.fits() and secretary.fits()

        staff.assert_clean()
        secretary.assert_clean()
        journey.report()
