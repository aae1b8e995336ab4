import datetime as dt

import pytest
from django.utils import timezone

from lienhe.liaison.jobs import letter_deadlines
from lienhe.liaison.models import ThreadMessage
from lienhe.notify.models import Notification
from lienhe.notify.services import run_daily

from .helpers import letter

pytestmark = pytest.mark.django_db


def test_reminder_before_deadline_goes_to_member_once(cast):
    intro = letter(cast, "issued", issued_days_ago=25)  # due in 5 days, reminder at 7
    today = timezone.localdate()
    Notification.objects.all().delete()
    assert letter_deadlines(today) >= 1
    member_user = cast.users["member"]
    assert Notification.objects.filter(user=member_user, kind="liaison.reminder").count() == 1
    assert letter_deadlines(today) == 0
    assert intro.due_on - today == dt.timedelta(days=5)


def test_overdue_letter_escalates_once(cast):
    intro = letter(cast, "issued", issued_days_ago=35)
    today = timezone.localdate()
    first = run_daily(today)["liaison.letter_deadlines"]
    assert first >= 2
    staff = cast.users["agency_staff"]
    assert Notification.objects.filter(user=staff, kind="liaison.overdue").count() == 1
    assert ThreadMessage.objects.filter(introduction=intro, event="overdue").count() == 1
    # the commune committee gets its weekly digest of letters not handed in
    assert Notification.objects.filter(
        user=cast.users["commune_staff"], kind="liaison.digest"
    ).exists()
    assert run_daily(today)["liaison.letter_deadlines"] == 0
    assert run_daily(today + dt.timedelta(days=1))["liaison.letter_deadlines"] == 0
    assert ThreadMessage.objects.filter(introduction=intro, event="overdue").count() == 1


def test_handed_in_letters_are_not_chased(cast):
    letter(cast, "handed_in", issued_days_ago=35)
    Notification.objects.all().delete()
    assert letter_deadlines(timezone.localdate()) == 0
