"""Issue 20 item 5: after the first tap of the roll call the secretary can still move
the meeting (the taps are dropped, the audit keeps them) and correct its time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lienhe.audit.models import AuditEvent
from lienhe.meetings import services
from lienhe.meetings.models import Attendance, Meeting

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 6, 10, 19, 40, tzinfo=TZ)


def _tapped(cast):
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=dt.datetime(2026, 6, 10, 19, 30, tzinfo=TZ),
    )
    services.mark_attendance(
        meeting, cast.members["a1"], "present", actor=cast.users["secretary_a"]
    )
    meeting.refresh_from_db()
    assert meeting.roll_call_open
    return meeting


@time_machine.travel(NOW, tick=False)
def test_edit_page_has_the_time_after_the_first_tap_and_saves_it(cast, login):
    meeting = _tapped(cast)
    client = login(cast.users["secretary_a"])
    url = reverse("meetings:edit", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert 'name="time" value="19:30"' in page
    assert 'name="date" value="10/06/2026"' in page
    answer = client.post(
        url,
        {
            "version": meeting.version,
            "title": "",
            "date": "10/06/2026",
            "time": "20:00",
            "place": "Nhà văn hóa",
            "duration_minutes": 120,
        },
    )
    assert answer.status_code == 302
    meeting.refresh_from_db()
    assert meeting.planned_at == dt.datetime(2026, 6, 10, 20, 0, tzinfo=TZ)
    assert meeting.state == Meeting.State.HELD  # a correction, the taps stay
    assert Attendance.objects.filter(meeting=meeting).count() == 1


@time_machine.travel(NOW, tick=False)
def test_move_stays_offered_after_the_first_tap_and_drops_the_taps(cast, login):
    meeting = _tapped(cast)
    client = login(cast.users["secretary_a"])
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f'href="/sinh-hoat/{meeting.pk}/doi-lich/">Dời lịch</a>' in detail
    url = reverse("meetings:move", args=[meeting.pk])
    assert "Đã điểm danh 1 người" in client.get(url).content.decode()
    answer = client.post(
        url,
        {
            "version": meeting.version,
            "date": "12/06/2026",
            "time": "19:30",
            "place": "",
            "reason": "Mưa lớn, đường ngập",
        },
    )
    assert answer.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.MOVED
    assert meeting.planned_at == dt.datetime(2026, 6, 12, 19, 30, tzinfo=TZ)
    assert (meeting.marked_count, meeting.present_count, meeting.held_at) == (0, 0, None)
    assert not Attendance.objects.filter(meeting=meeting).exists()
    row = AuditEvent.objects.get(action="meetings.meeting.roll_call_discarded")
    assert row.data["taps"] == [{"member_id": cast.members["a1"].pk, "status": "present"}]


@time_machine.travel(NOW, tick=False)
def test_a_closed_roll_call_cannot_be_moved(cast):
    meeting = _tapped(cast)
    services.close_roll_call(meeting, actor=cast.users["secretary_a"])
    meeting.refresh_from_db()
    with pytest.raises(services.MeetingError):
        services.move_meeting(
            meeting,
            new_at=dt.datetime(2026, 6, 12, 19, 30, tzinfo=TZ),
            reason="Nhầm",
            expected_version=meeting.version,
        )
