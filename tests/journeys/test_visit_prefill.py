"""Issue 20 item 11: the visit report is prefilled with the meeting's attendance
while the cell's roll call is still open."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from lienhe.meetings.models import Attendance, Meeting
from tests.visits.world import world

pytestmark = pytest.mark.django_db


def test_visit_report_prefills_attendance_from_the_open_roll_call(cast, login):
    w = world(cast)
    day = w.planned.planned_on
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=dt.datetime.combine(day, dt.time(19, 30), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    Attendance.objects.create(
        meeting=meeting, member=cast.members["a1"], status=Attendance.Status.PRESENT
    )
    Attendance.objects.create(
        meeting=meeting, member=cast.members["a2"], status=Attendance.Status.LATE
    )
    page = login(cast.users["visitor"]).get(reverse("visits:report", args=[w.planned.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="members_present" value="2"' in body
    assert 'name="members_total" value="2"' in body
