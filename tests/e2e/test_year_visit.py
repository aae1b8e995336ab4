"""Year journey 3 at 390×844 (issue 20): a committee member reports on the cell
meeting he attended — the report is prefilled from the meeting's minutes and roll
call, and carries a petition with its category → the commune routes the petition →
the agency answers → the cell secretary finds the answer for the next meeting.
Every step is a tap on what the phone shows, counted."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from lienhe.meetings import services as meetings
from lienhe.petitions.models import Agency, Category, Petition
from lienhe.visits.models import Visit
from tests.factories import MemberFactory
from tests.visits.world import world

from .year import Journey

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MEETING_AT = dt.datetime(2026, 4, 8, 19, 30, tzinfo=HCM)  # the cell meeting visited
NOW = dt.datetime(2026, 4, 10, 9, 0, tzinfo=HCM)  # two days later: the report is due
NEXT_AT = dt.datetime(2026, 5, 5, 19, 30, tzinfo=HCM)  # the cell's next regular meeting
ANSWER = "Sở đã bố trí kinh phí, khắc phục đoạn sạt lở trong tháng 5/2026."


def _held_meeting(cast):
    """Cell A met on 08/04: six members invited, four there, minutes chaired by its
    secretary."""
    for name in ("Phan Văn Hải", "Võ Thị Lan", "Bùi Quang Minh", "Ngô Thị Nga"):
        MemberFactory(full_name=name, organization=cast.cell_a)
    with time_machine.travel(MEETING_AT + dt.timedelta(minutes=30), tick=False):
        meeting = meetings.plan_meeting(
            cast.cell_a, kind="regular", planned_at=MEETING_AT, place="Nhà văn hóa tổ 1"
        )
        members = list(meetings.expected_members(meeting).order_by("full_name"))
        assert len(members) == 6
        for member in members[:4]:
            meetings.mark_attendance(meeting, member, "present")
        meetings.mark_attendance(meeting, members[4], "excused")
        meetings.close_roll_call(meeting)
        meetings.save_minutes(
            meeting,
            expected_version=None,
            chair="Trần Thị Bình",
            secretary="Nguyễn Văn An",
            content="Quán triệt nghị quyết; bàn việc sửa đường liên thôn.",
        )
    meeting.refresh_from_db()
    return meeting


@pytest.mark.django_db(transaction=True)
def test_year_visit_report_petition_routed_answered_next_meeting(
    phone_page, phone_context, live_server, cast, login_page, password
):
    for code, name in (
        ("infrastructure", "Giao thông, hạ tầng, điện, nước"),
        ("land", "Đất đai, môi trường"),
        ("other", "Lĩnh vực khác"),
    ):
        Category.objects.get_or_create(code=code, defaults={"name": name})
    agency = Agency.objects.create(
        name="Sở Xây dựng tỉnh", kind="department", organization=cast.agency
    )
    _held_meeting(cast)
    with time_machine.travel(NOW, tick=True):
        w = world(cast)
        visit = w.planned
        assert visit.cell == cast.cell_a and visit.planned_on == MEETING_AT.date()
        meetings.plan_meeting(cast.cell_a, kind="regular", planned_at=NEXT_AT)
        journey = Journey("3-visit", "Dự sinh hoạt: báo cáo có sẵn → kiến nghị → trả lời")

        # 1. The committee member opens the report from his home page: the chair and
        # the attendance come from the cell's minutes and roll call.
        journey.step("uyvien", "nộp báo cáo dự sinh hoạt kèm kiến nghị có lĩnh vực")
        visitor = journey.phone(phone_page, "uyvien")
        login_page(visitor.page, live_server, "uyvien", password)
        visitor.link(f"{cast.cell_a.name} (08/04)")
        form = visitor.page
        assert form.locator("input[name=chair]").input_value() == "Trần Thị Bình"
        assert form.locator("input[name=members_total]").input_value() == "6"
        assert form.locator("input[name=members_present]").input_value() == "4"
        assert form.locator("input[name=attended_on]").input_value() in (
            "08/04/2026",
            "2026-04-08",
        )
        visitor.type("textarea[name=content]", "Quán triệt nghị quyết; bàn sửa đường liên thôn.")
        visitor.check("input[name=criteria][value=prep_agenda]")
        visitor.type("input[name=pet-0-summary]", "Đường liên thôn đoạn qua tổ 1 sạt lở")
        visitor.choose("select[name=pet-0-category]", label="Giao thông, hạ tầng, điện, nước")
        assert visitor.fits()
        visitor.button("Nộp báo cáo")
        visitor.says("Đã nộp báo cáo. 1 kiến nghị")
        visit.refresh_from_db()
        assert visit.state == Visit.State.DONE and visit.report.chair == "Trần Thị Bình"
        assert visit.report.members_present == 4 and visit.report.members_total == 6
        petition = Petition.objects.get(source_type=Petition.Source.VISIT)
        assert petition.organization == cast.cell_a
        # What he chose is what was kept (not "Lĩnh vực khác").
        assert petition.category.code == "infrastructure"

        # 2. The commune committee routes it to the agency.
        journey.step("xa", "chuyển cơ quan giải quyết")
        staff = journey.phone(phone_context(), "xa")
        login_page(staff.page, live_server, "xa", password)
        staff.menu("Kiến nghị")
        staff.link("Đường liên thôn đoạn qua tổ 1 sạt lở")
        staff.link("Chuyển cơ quan giải quyết")
        staff.choose("select[name=agency]", label="Sở Xây dựng tỉnh")
        staff.button("Xác nhận")
        staff.says("hạn trả lời")
        petition.refresh_from_db()
        assert petition.agency == agency and petition.state == "assigned"

        # 3. The agency's handler takes it and answers.
        journey.step("so", "nhận xử lý, trả lời")
        handler = journey.phone(phone_context(), "so")
        login_page(handler.page, live_server, "so", password)
        handler.menu("Kiến nghị")
        handler.link("Đường liên thôn đoạn qua tổ 1 sạt lở")
        handler.button("Nhận xử lý")
        handler.link("Trả lời")
        handler.type("textarea[name=answer]", ANSWER)
        handler.button("Xác nhận")
        expect(handler.page.locator("h1")).to_contain_text("Đã trả lời")
        petition.refresh_from_db()
        assert petition.state == "answered"

        # 4. The secretary of cell A opens the next meeting from the menu.
        journey.step("bithu", "buổi sinh hoạt sau: thông báo trả lời kiến nghị")
        secretary = journey.phone(phone_context(), "bithu")
        login_page(secretary.page, live_server, "bithu", password)
        secretary.menu("Sinh hoạt chi bộ")
        secretary.link(NEXT_AT.strftime("%H:%M %d/%m/%Y"))
        expect(secretary.page.locator("h1")).to_be_visible()
        # The answer is on the meeting page itself, and in the agenda of "Lập biên bản".
        report_back = secretary.page.locator("h2:has-text('Thông báo lại') + .card")
        expect(report_back).to_contain_text(f"#{petition.pk}")
        expect(report_back).to_contain_text(ANSWER)
        secretary.link("Lập biên bản")
        agenda = secretary.page.locator("textarea[name=agenda]")
        expect(agenda).to_contain_text(f"#{petition.pk}")
        expect(agenda).to_contain_text(ANSWER)

        for phone in (visitor, staff, handler, secretary):
            phone.assert_clean()
        journey.report()
