import datetime as dt

import pytest
from django.utils import timezone

from lienhe.meetings import jobs, services
from lienhe.meetings.models import Meeting
from lienhe.notify.models import Notification
from lienhe.notify.services import DAILY_JOBS

from .helpers import at, make_meeting

pytestmark = pytest.mark.django_db


def test_jobs_are_registered():
    names = {name for name, _ in DAILY_JOBS}
    assert {
        "meetings.schedule",
        "meetings.invitations",
        "meetings.not_recorded",
        "meetings.absences",
    } <= names


def test_daily_schedule_job_is_idempotent(cast):
    today = dt.date(2027, 1, 1)
    first = jobs.generate_regular_schedule(today)
    assert first == 6  # cells A and B, three months; the other cell has no meeting day
    assert jobs.generate_regular_schedule(today) == 0


def test_invitation_a_week_before_and_reminder_the_day_before(cast):
    today = timezone.localdate()
    meeting = make_meeting(cast.cell_a, at(today + dt.timedelta(days=5)))
    secretary = cast.users["secretary_a"]
    assert jobs.invitations_and_reminders(today) == 1
    assert jobs.invitations_and_reminders(today) == 0  # once
    assert Notification.objects.get(user=secretary).kind == "meetings.invitation"
    assert jobs.invitations_and_reminders(today + dt.timedelta(days=4)) == 1
    kinds = set(Notification.objects.filter(user=secretary).values_list("kind", flat=True))
    assert kinds == {"meetings.invitation", "meetings.reminder"}
    meeting.refresh_from_db()
    assert meeting.invited_at and meeting.reminded_at


def test_unrecorded_meeting_reminds_the_cell_officers_once(cast):
    today = timezone.localdate()
    make_meeting(cast.cell_a, at(today - dt.timedelta(days=10)))
    make_meeting(cast.cell_b, at(today - dt.timedelta(days=3)))  # not late yet
    assert jobs.meetings_not_recorded(today) == 1
    assert jobs.meetings_not_recorded(today) == 0
    note = Notification.objects.get(kind="meetings.not_recorded")
    assert note.user == cast.users["secretary_a"]


def test_repeated_unexcused_absences_alert_both_cells(cast):
    from tests.factories import make_user

    make_user("cqcb", "cell_officer", cast.agency_cell)
    w1 = cast.members["w1"]
    today = timezone.localdate()
    for i in range(3):
        m = make_meeting(
            cast.cell_a,
            timezone.now() - dt.timedelta(days=i + 1),
            kind=Meeting.Kind.WORKING_MEMBERS,
        )
        # As if introduced to cell A (the liaison source is not needed for this rule).
        from lienhe.meetings.models import Attendance

        Attendance.objects.create(meeting=m, member=w1, status="absent", is_working_member=True)
        services.recount(m, held=True)
    if today.month == 1 and today.day < 4:
        pytest.skip("needs three meetings inside the current year")
    assert jobs.repeated_absences(today) == 2
    users = set(
        Notification.objects.filter(kind="meetings.residence_absences").values_list(
            "user__username", flat=True
        )
    )
    assert users == {"bithu", "cqcb"}
    assert jobs.repeated_absences(today) == 0
