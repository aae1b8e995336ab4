"""Daily reminder jobs (idempotent: notifications are deduplicated by key)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy

from . import fees, services
from .models import AwayPeriod, Exemption, Transfer


def _by_org(rows):
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.organization_id, []).append(row)
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=grouped)}
    return [(orgs[k], v) for k, v in grouped.items()]


def remind_overdue_contacts(today: dt.date) -> int:
    """Tell each cell which away members it has not contacted within the interval."""
    sent = 0
    # The shortest interval any province may set is unknown; start from those overdue
    # by at least 7 days and check each cell's own Policy value.
    candidates = (
        AwayPeriod.objects.current(today)
        .filter(
            Q(last_contact_on__lt=today - dt.timedelta(days=7))
            | Q(last_contact_on__isnull=True, start_on__lt=today - dt.timedelta(days=7))
        )
        .select_related("member")
    )
    for org, rows in _by_org(candidates):
        interval = int(effective_policy(org, "away_contact_interval_days", today))
        overdue = [a for a in rows if a.contact_due_on(interval) < today]
        if not overdue:
            continue
        names = ", ".join(a.member.full_name for a in overdue[:10])
        more = len(overdue) - 10
        body = names + (_(" và %(n)s người khác") % {"n": more} if more > 0 else "")
        # One reminder per cell per week, not every day.
        week = today.isocalendar()
        sent += notify(
            services.officers(org, "away:write", exact_depth=True),
            kind="away.contact_overdue",
            title=_("%(n)s đảng viên đi làm ăn xa quá hạn liên lạc (chu kỳ %(d)s ngày)")
            % {"n": len(overdue), "d": interval},
            body=body,
            url=reverse("away:list") + f"?org={org.pk}&overdue=on",
            dedupe_key=f"away.overdue.{org.pk}.{week[0]}-{week[1]}",
        )
    return sent


def exemption_job(today: dt.date) -> int:
    """Member status follows exemption dates; cells are told before an exemption ends."""
    sent = services.sync_exemption_statuses(today)
    soon = Exemption.objects.filter(
        start_on__lte=today, end_on__gte=today, end_on__lte=today + dt.timedelta(days=60)
    ).select_related("member")
    for org, rows in _by_org(soon):
        notice = int(effective_policy(org, "exemption_expiry_notice_days", today))
        for ex in rows:
            if (ex.end_on - today).days > notice:
                continue
            sent += notify(
                services.officers(org, "away:write", exact_depth=True),
                kind="away.exemption_expiring",
                title=_("Sắp hết hạn tạm miễn sinh hoạt: %(name)s (%(d)s)")
                % {"name": ex.member.full_name, "d": ex.end_on.strftime("%d/%m/%Y")},
                body=_("Chi bộ xem xét đề nghị gia hạn hoặc bố trí đảng viên sinh hoạt trở lại."),
                url=reverse("away:exemption", args=[ex.pk]),
                dedupe_key=f"away.exemption_expiring.{ex.pk}",
            )
    return sent


def transfer_job(today: dt.date) -> int:
    """Letters not received by their hand-in deadline; temporary transfers ending."""
    sent = 0
    late = Transfer.objects.filter(status=Transfer.Status.SENT, handin_due__lt=today)
    for t in late.select_related("member", "organization"):
        sent += notify(
            services.officers(t.organization, "away:write", exact_depth=True),
            kind="away.transfer_late",
            title=_("Quá hạn nộp giấy giới thiệu sinh hoạt đảng: %(name)s")
            % {"name": t.member.full_name},
            body=_("Hạn %(d)s, nơi đến chưa xác nhận tiếp nhận.")
            % {"d": t.handin_due.strftime("%d/%m/%Y")},
            url=reverse("away:transfer", args=[t.pk]),
            dedupe_key=f"away.transfer_late.{t.pk}",
        )
    return sent


def fee_month_job(today: dt.date) -> int:
    """Open the month's dues (idempotent); nothing else to send."""
    return fees.open_month(today)
