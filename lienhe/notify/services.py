"""Send notifications (inbox + e-mail when the user has an address) and run the
daily reminder jobs that modules register."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ChannelPreference, Notification
from .sms import send_sms

DAILY_JOBS: list[tuple[str, Callable[..., int]]] = []


def daily_job(name: str):
    """Register an idempotent daily job `(today) -> int` (how many reminders sent)."""

    def decorator(func):
        if all(existing != name for existing, _ in DAILY_JOBS):
            DAILY_JOBS.append((name, func))
        return func

    return decorator


def notify(
    users: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
    sms: bool = True,
) -> int:
    """Put a message in each user's inbox (once per dedupe_key). Returns how many
    were new. E-mail (default on) and SMS (off until the user turns it on) follow the
    user's ChannelPreference, after commit so a rolled-back change sends nothing."""
    created = 0
    users = [u for u in users if u is not None]
    prefs = {
        p.user_id: p for p in ChannelPreference.objects.filter(user_id__in=[u.pk for u in users])
    }
    for user in users:
        pref = prefs.get(user.pk)
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key[:200],
                )
        except IntegrityError:
            continue  # already notified for this key
        created += 1
        if email and user.email and (pref is None or pref.email):
            transaction.on_commit(lambda n=note, u=user: _email(n, u))
        if sms and pref is not None and pref.sms and user.phone:
            text = f"[Lienhe] {note.title}"
            transaction.on_commit(lambda p=user.phone, t=text: send_sms(p, t))
    return created


def _email(note: Notification, user) -> None:
    from django.conf import settings

    link = f"\n\n{settings.SITE_URL}{note.url}" if note.url else ""
    send_mail(
        f"[Lienhe] {note.title}", f"{note.body}{link}", None, [user.email], fail_silently=True
    )
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, pk: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def run_daily(today=None) -> dict[str, int]:
    today = today or timezone.localdate()
    return {name: job(today) for name, job in DAILY_JOBS}


def get_preference(user) -> ChannelPreference:
    return ChannelPreference.objects.get_or_create(user=user)[0]


@transaction.atomic
def set_preference(user, *, email: bool, sms: bool) -> ChannelPreference:
    from lienhe.audit.services import log_action

    pref, _created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
    pref.email, pref.sms = email, sms
    pref.save()
    log_action(pref, "notify.preference.set", actor=user, data={"email": email, "sms": sms})
    return pref
