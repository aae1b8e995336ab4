"""Attendance (issue 16 item 3): rate = present ÷ invited, shown only once the roll
call is closed; closing asks for confirmation; reopening within the Policy window."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lienhe.audit.models import AuditEvent
from lienhe.meetings import services
from lienhe.meetings.models import Attendance, Meeting
from lienhe.orgs.policy import PARAMETERS
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 3, 20, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _planned(cast, extra: int = 0) -> Meeting:
    for _ in range(extra):
        MemberFactory(organization=cast.cell_a)
    return services.plan_meeting(
        cast.cell_a,
        kind=Meeting.Kind.THEMATIC,
        title="Nghị quyết",
        planned_at=NOW - dt.timedelta(minutes=30),
    )


def test_invited_list_is_fixed_when_scheduled_and_amended_with_a_reason(cast, clock):
    meeting = _planned(cast, extra=3)
    assert meeting.expected_count == 5  # a1, a2 + 3
    MemberFactory(organization=cast.cell_a)  # joins after scheduling: not invited
    assert services.expected_members(meeting).count() == 5
    with pytest.raises(services.MeetingError, match="lý do"):
        services.amend_invitees(meeting, cast.members["b1"], invite=True, reason=" ")
    services.amend_invitees(
        meeting, cast.members["b1"], invite=True, reason="Chuyển sinh hoạt tạm thời", actor=None
    )
    services.amend_invitees(meeting, cast.members["a2"], invite=False, reason="Đi viện")
    meeting.refresh_from_db()
    assert meeting.expected_count == 5
    actions = set(
        AuditEvent.objects.filter(action__startswith="meetings.meeting.invitee").values_list(
            "action", flat=True
        )
    )
    assert actions == {"meetings.meeting.invitee_added", "meetings.meeting.invitee_removed"}


def test_taps_show_progress_not_a_rate_until_the_roll_call_is_closed(cast, clock, login):
    meeting = _planned(cast, extra=140)  # 142 invited
    members = list(services.expected_members(meeting).order_by("pk")[:5])
    for m in members:
        services.mark_attendance(meeting, m, "present")
    meeting.refresh_from_db()
    assert (meeting.marked_count, meeting.expected_count) == (5, 142)
    assert meeting.attendance_rate is None
    assert str(meeting.status_label) == "Đang điểm danh: 5/142"
    http = login(cast.users["secretary_a"])
    page = http.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "đang điểm danh: 5/142" in page
    assert "Đã họp" not in page and "%" not in page.split("Điểm danh</dt>")[1].split("</dd>")[0]

    # Closing asks first, naming how many will be marked absent without reason.
    confirm = http.get(reverse("meetings:roll_call_close", args=[meeting.pk])).content.decode()
    assert "<strong>137</strong> người chưa điểm danh" in confirm
    assert Attendance.objects.filter(meeting=meeting).count() == 5  # GET changed nothing
    http.post(reverse("meetings:roll_call_close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.roll_call_closed_at is not None
    assert meeting.attendance_rate == 0.0352  # 5/142 = 3,5211…% truncated
    figures = services.attendance_figures(meeting)
    assert (figures["invited"], figures["present"], figures["absent"]) == (142, 5, 137)
    page = http.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Đã họp" in page and "3,52%" in page


def test_qr_check_in_before_the_start_is_not_a_full_rate(cast, clock):
    meeting = services.plan_meeting(
        cast.cell_a,
        kind=Meeting.Kind.THEMATIC,
        title="Chuyên đề",
        planned_at=NOW + dt.timedelta(minutes=19),
    )
    services.check_in(services.checkin_token(meeting), user=cast.users["secretary_a"])
    meeting.refresh_from_db()
    assert meeting.present_count == 1 and meeting.expected_count == 2
    assert meeting.attendance_rate is None  # not "100,00%"


def test_reopen_within_the_policy_window_with_an_audit_row(cast, clock):
    assert PARAMETERS["roll_call_reopen_hours"].default == 48
    assert "mặc định của Lienhe" in PARAMETERS["roll_call_reopen_hours"].source
    meeting = _planned(cast)
    services.mark_attendance(meeting, cast.members["a1"], "present")
    assert services.close_roll_call(meeting) == 1
    meeting.refresh_from_db()
    with pytest.raises(services.MeetingError, match="lý do"):
        services.reopen_roll_call(meeting, reason="")
    clock.shift(dt.timedelta(hours=47))
    services.reopen_roll_call(meeting, reason="Ghi nhầm đồng chí A2")
    meeting.refresh_from_db()
    assert meeting.roll_call_open and meeting.marked_count == 1  # closing absences undone
    assert AuditEvent.objects.filter(action="meetings.meeting.roll_call_reopened").exists()
    services.close_roll_call(meeting)
    clock.shift(dt.timedelta(hours=49))
    meeting.refresh_from_db()
    with pytest.raises(services.MeetingError, match="48 giờ"):
        services.reopen_roll_call(meeting, reason="Muộn quá")


def test_all_present_then_tap_the_exceptions(cast, clock, login):
    meeting = _planned(cast, extra=2)
    http = login(cast.users["secretary_a"])
    page = http.get(reverse("meetings:roll_call", args=[meeting.pk])).content.decode()
    assert 'id="rc-search"' in page and "Tất cả có mặt" in page
    http.post(reverse("meetings:roll_call_all_present", args=[meeting.pk]))
    services.mark_attendance(meeting, cast.members["a2"], "excused")
    meeting.refresh_from_db()
    assert (meeting.present_count, meeting.marked_count, meeting.expected_count) == (3, 4, 4)


def test_minutes_pdf_prints_the_same_numbers(cast, clock, login):
    import subprocess

    meeting = _planned(cast, extra=2)
    services.mark_attendance(meeting, cast.members["a1"], "present")
    services.mark_attendance(meeting, cast.members["a2"], "excused")
    services.close_roll_call(meeting)
    services.save_minutes(
        meeting, expected_version=None, agenda="Nghị quyết", actor=cast.users["secretary_a"]
    )
    http = login(cast.users["secretary_a"])
    pdf = http.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).content
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "được triệu tập: 4; có mặt: 1; vắng có lý do: 1; vắng không lý do: 2" in flat
    assert "Tỷ lệ dự: 25,00%" in flat
