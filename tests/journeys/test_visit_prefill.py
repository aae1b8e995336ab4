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


def test_visit_report_prefills_the_chair_from_the_minutes_else_the_secretary(cast, login):
    from lienhe.access.models import Role
    from lienhe.meetings.models import Minutes

    w = world(cast)
    Role.objects.filter(user=cast.users["secretary_a"], organization=cast.cell_a).update(
        title="Bí thư chi bộ"
    )
    url = reverse("visits:report", args=[w.planned.pk])
    client = login(cast.users["visitor"])
    assert 'name="chair" value="Trần Thị Bình"' in client.get(url).content.decode()
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=dt.datetime.combine(
            w.planned.planned_on, dt.time(19, 30), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
        ),
    )
    Minutes.objects.create(meeting=meeting, chair="Nguyễn Văn An")
    assert 'name="chair" value="Nguyễn Văn An"' in client.get(url).content.decode()
