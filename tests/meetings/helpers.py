import datetime as dt

from django.utils import timezone

from lienhe.meetings.models import Meeting


def at(day: dt.date, hour: int = 19, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_meeting(org, when=None, kind=Meeting.Kind.REGULAR, **fields) -> Meeting:
    when = when or timezone.now() - dt.timedelta(hours=1)
    return Meeting.objects.create(organization=org, kind=kind, planned_at=when, **fields)
