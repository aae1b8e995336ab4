"""Send notifications (inbox + e-mail when the user has an address) and run the
daily reminder jobs that modules register."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable

from django.db import IntegrityError, connection, connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import channels
from .models import ChannelPreference, Delivery, Notification

logger = logging.getLogger("lienhe.notify")

# The daily jobs `(name, func)`, run in registration order (the order of
# INSTALLED_APPS, then of each module's `register_all`). Modules add theirs with
# `lienhe.registry.register(DailyJob(name, func))`, never here.
DAILY_JOBS: list[tuple[str, Callable[..., int]]] = []


def register_daily_job(name: str, func: Callable[..., int]) -> None:
    """Add an idempotent daily job `func(today) -> int` (how many reminders sent);
    a name already registered is kept (`ready()` may run twice in tests)."""
    if all(existing != name for existing, _ in DAILY_JOBS):
        DAILY_JOBS.append((name, func))


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
    urgent: bool = False,
    due_on: dt.date | None = None,
) -> int:
    """Put a message in each user's inbox (once per dedupe_key). Returns how many
    were new. E-mail (default on) and SMS (off until the user turns it on) follow the
    user's ChannelPreference. Nothing is sent here: the message waits for the daily
    digest, or, when `urgent` (cannot wait until tomorrow, e.g. a meeting moved) or the
    user chose immediate messages, becomes a Delivery the worker sends after commit —
    a rolled-back change sends nothing and no web request talks to a mail server."""
    created = 0
    users = [u for u in users if u is not None]
    prefs = {
        p.user_id: p for p in ChannelPreference.objects.filter(user_id__in=[u.pk for u in users])
    }
    for user in users:
        pref = prefs.get(user.pk)
        channels = []
        if email and user.email and (pref is None or pref.email):
            channels.append(Delivery.Channel.EMAIL)
        if sms and pref is not None and pref.sms and user.phone:
            channels.append(Delivery.Channel.SMS)
        immediate = urgent or (pref is not None and pref.mode == ChannelPreference.Mode.IMMEDIATE)
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key[:200],
                    urgent=urgent,
                    due_on=due_on,
                    digest_email=not immediate and Delivery.Channel.EMAIL in channels,
                    digest_sms=not immediate and Delivery.Channel.SMS in channels,
                )
        except IntegrityError:
            continue  # already notified for this key
        created += 1
        if immediate:
            for channel in channels:
                _queue(user, channel, [note], digest_on=None)
    return created


# ---------------------------------------------------------------- deliveries


def _link(url: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{url}" if url else ""


def _days_left(note: Notification, today: dt.date) -> str:
    if note.due_on is None:
        return ""
    days = (note.due_on - today).days
    if days > 0:
        return _("còn %(n)d ngày") % {"n": days}
    if days == 0:
        return _("hạn hôm nay")
    return _("quá hạn %(n)d ngày") % {"n": -days}


def _urgency(note: Notification):
    """Most urgent first: urgent messages, then by deadline, then the oldest (the id
    breaks ties: notifications created in the same instant keep their order on every
    database)."""
    return (
        not note.urgent,
        note.due_on is None,
        note.due_on or dt.date.max,
        note.created_at,
        note.pk,
    )


def _compose(channel: str, notes: list[Notification], digest_on: dt.date | None):
    """Subject and text of one message (a single notification or a day's digest)."""
    today = digest_on or timezone.localdate()
    if digest_on is None:
        note = notes[0]
        subject = f"[Lienhe] {note.title}"
        if channel == Delivery.Channel.SMS:
            return subject, subject[:300]
        link = _link(note.url)
        return subject, "\n\n".join(part for part in (note.body, link) if part)
    notes = sorted(notes, key=_urgency)
    subject = _("[Lienhe] Tổng hợp nhắc việc ngày %(d)s: %(n)d việc") % {
        "d": today.strftime("%d/%m/%Y"),
        "n": len(notes),
    }
    if channel == Delivery.Channel.SMS:
        titles = "; ".join(n.title for n in notes)
        text = _("[Lienhe] %(n)d việc cần làm: %(t)s") % {"n": len(notes), "t": titles}
        more = f" {_link('/thong-bao/')}"
        return subject, (
            text[: 300 - len(more) - 1] + "…" + more if len(text) + len(more) > 300 else text + more
        )
    lines = [_("Các việc cần làm, việc gấp nhất ở trên:"), ""]
    for i, note in enumerate(notes, 1):
        left = _days_left(note, today)
        lines.append(f"{i}. {note.title}" + (f" ({left})" if left else ""))
        if note.body:
            lines.append(f"   {note.body}")
        if note.url:
            lines.append(f"   {_link(note.url)}")
    lines += ["", _("Xem tất cả thông báo: %(u)s") % {"u": _link("/thong-bao/")}]
    return subject, "\n".join(lines)


def _queue(user, channel: str, notes: list[Notification], *, digest_on) -> Delivery:
    address = user.email if channel == Delivery.Channel.EMAIL else user.phone
    subject, body = _compose(channel, notes, digest_on)
    delivery = Delivery.objects.create(
        user=user,
        channel=channel,
        address=address,
        subject=subject[:250],
        body=body,
        digest_on=digest_on,
        next_attempt_at=timezone.now(),
    )
    delivery.notifications.add(*notes)
    transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk))
    return delivery


def _enqueue(delivery_id: int, when=None) -> None:
    from .tasks import deliver_task

    task = deliver_task.using(run_after=when) if when else deliver_task
    task.enqueue(delivery_id)


@transaction.atomic
def build_digests(today: dt.date | None = None) -> int:
    """Gather each person's waiting reminders into ONE message per channel and day,
    sorted by urgency. Idempotent: a person who already has today's digest on a
    channel keeps the newer reminders for tomorrow's. Returns digests created."""
    today = today or timezone.localdate()
    created = 0
    for channel, flag in (
        (Delivery.Channel.EMAIL, "digest_email"),
        (Delivery.Channel.SMS, "digest_sms"),
    ):
        waiting = list(
            Notification.objects.filter(**{flag: True})
            .select_related("user")
            .order_by("user_id", "pk")
        )
        done = set(
            Delivery.objects.filter(channel=channel, digest_on=today).values_list(
                "user_id", flat=True
            )
        )
        by_user: dict[int, list[Notification]] = {}
        for note in waiting:
            if note.user_id not in done:
                by_user.setdefault(note.user_id, []).append(note)
        cleared = []
        for notes in by_user.values():
            user = notes[0].user
            address = user.email if channel == Delivery.Channel.EMAIL else user.phone
            if address and user.is_active:
                _queue(user, channel, notes, digest_on=today)
                created += 1
            cleared += [n.pk for n in notes]
        Notification.objects.filter(pk__in=cleared).update(**{flag: False})
    return created


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the n-th failed attempt: base, x4, x16, … (settings)."""
    from django.conf import settings

    return dt.timedelta(seconds=settings.LIENHE_DELIVERY_BACKOFF_SECONDS * 4 ** (attempts - 1))


def deliver(delivery_id: int) -> str:
    """One attempt to send a due delivery (the worker's step). Claims the row with a
    conditional UPDATE so two workers never send it twice; marks it `sent` only after
    the server accepted it; on failure records the error and schedules the next
    attempt with backoff, or gives up. Returns the resulting state."""
    from django.conf import settings

    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = Delivery.objects.filter(
        due, pk=delivery_id, state__in=[Delivery.State.QUEUED, Delivery.State.FAILED]
    ).update(state=Delivery.State.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return ""
    if not claimed:
        return delivery.state
    try:
        if delivery.channel == Delivery.Channel.EMAIL:
            channels.send_email(delivery.address, delivery.subject, delivery.body)
        else:
            channels.send_sms(delivery.address, delivery.body)
    except Exception as exc:
        permanent = isinstance(exc, channels.DeliveryError) and exc.permanent
        if not isinstance(exc, channels.DeliveryError):
            logger.exception("delivery %s failed unexpectedly", delivery_id)
        give_up = permanent or delivery.attempts >= settings.LIENHE_DELIVERY_MAX_ATTEMPTS
        state = Delivery.State.GIVEN_UP if give_up else Delivery.State.FAILED
        retry_at = None if give_up else timezone.now() + backoff(delivery.attempts)
        Delivery.objects.filter(pk=delivery_id).update(
            state=state, last_error=str(exc)[:2000], next_attempt_at=retry_at
        )
        logger.warning("delivery %s %s: %s", delivery_id, state, exc)
        if retry_at is not None:
            _enqueue(delivery_id, retry_at)
        return state
    sent_at = timezone.now()
    Delivery.objects.filter(pk=delivery_id).update(
        state=Delivery.State.SENT, sent_at=sent_at, last_error="", next_attempt_at=None
    )
    if delivery.channel == Delivery.Channel.EMAIL:
        Notification.objects.filter(deliveries=delivery_id).update(emailed_at=sent_at)
    return Delivery.State.SENT


STALE_SENDING = dt.timedelta(minutes=15)


def deliver_due(limit: int = 1000) -> dict[str, int]:
    """Send every due delivery now, in this process (cron without a worker, catch-up
    after an outage, tests). A row left `sending` by a killed worker for 15 minutes
    counts as failed and is retried."""
    now = timezone.now()
    Delivery.objects.filter(
        state=Delivery.State.SENDING, last_attempt_at__lt=now - STALE_SENDING
    ).update(state=Delivery.State.FAILED, last_error="worker lost", next_attempt_at=now)
    due = Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        state__in=[Delivery.State.QUEUED, Delivery.State.FAILED],
    ).order_by("next_attempt_at", "pk")
    counts: dict[str, int] = {}
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        state = deliver(pk)
        counts[state] = counts.get(state, 0) + 1
    return counts


def failed_deliveries():
    return Delivery.objects.filter(
        state__in=[Delivery.State.FAILED, Delivery.State.GIVEN_UP]
    ).select_related("user")


def can_operate(user) -> bool:
    """Operators of deliveries: superusers and the province board (committee staff
    at a root of the organization tree)."""
    from lienhe.access.scoping import paths_with
    from lienhe.orgs.models import Organization

    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return any(len(p) == Organization.steplen for p in paths_with(user, "orgs:write"))


@transaction.atomic
def retry(deliveries, *, actor=None) -> int:
    """Queue failed or given-up deliveries again, now, with a fresh set of attempts."""
    from lienhe.audit.services import log_action

    rows = list(
        Delivery.objects.select_for_update().filter(
            pk__in=[d.pk if isinstance(d, Delivery) else d for d in deliveries],
            state__in=[Delivery.State.FAILED, Delivery.State.GIVEN_UP],
        )
    )
    now = timezone.now()
    for row in rows:
        Delivery.objects.filter(pk=row.pk).update(
            state=Delivery.State.QUEUED, attempts=0, next_attempt_at=now
        )
        log_action(
            row,
            "notify.delivery.retried",
            actor=actor,
            data={"channel": row.channel, "was": row.state, "error": row.last_error[:200]},
        )
        transaction.on_commit(lambda pk=row.pk: _enqueue(pk))
    return len(rows)


def unread_count(user) -> int:
    """The badge of every signed-in page, as one statement written once: the ORM's
    `filter(user=user, read_at__isnull=True).count()` cost 0,7 ms of Python per page
    against 0,1 ms of SQL (issue 21, session 8). Same database routing as the ORM."""
    with connections[router.db_for_read(Notification)].cursor() as cursor:
        cursor.execute(_unread_sql(), [user.pk])
        return cursor.fetchone()[0]


@functools.cache
def _unread_sql() -> str:
    qn = connection.ops.quote_name
    meta = Notification._meta
    return (
        f"SELECT COUNT(*) FROM {qn(meta.db_table)}"
        f" WHERE {qn(meta.get_field('user').column)} = %s"
        f" AND {qn(meta.get_field('read_at').column)} IS NULL"
    )


def mark_read(user, pk: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def run_daily(today=None) -> dict[str, int]:
    """Run the registered jobs, then gather the day's reminders into one digest per
    person and channel (queued for the worker). Idempotent; cron runs it each morning
    (docs/notify.md)."""
    today = today or timezone.localdate()
    done = {name: job(today) for name, job in DAILY_JOBS}
    done["notify.digest"] = build_digests(today)
    return done


def get_preference(user) -> ChannelPreference:
    return ChannelPreference.objects.get_or_create(user=user)[0]


@transaction.atomic
def set_preference(user, *, email: bool, sms: bool, mode: str | None = None) -> ChannelPreference:
    from lienhe.audit.services import log_action

    pref, _created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
    pref.email, pref.sms = email, sms
    if mode is not None:
        pref.mode = ChannelPreference.Mode(mode)
    pref.save()
    log_action(
        pref,
        "notify.preference.set",
        actor=user,
        data={"email": email, "sms": sms, "mode": pref.mode},
    )
    return pref
