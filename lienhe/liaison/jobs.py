"""Daily reminder jobs of the liaison module. Idempotent: re-running the same day
(or the next) sends nothing twice (notification dedupe keys + `overdue_flagged_on`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy

from .models import Introduction
from .services import member_user, officers_of, system_event


def letter_deadlines(today: dt.date) -> int:
    return remind_before_deadline(today) + escalate_overdue(today) + commune_digest(today)


def remind_before_deadline(today: dt.date) -> int:
    """To the member, N days (Policy letter_reminder_days) before the hand-in deadline."""
    sent = 0
    horizon = today + dt.timedelta(days=31)
    letters = Introduction.objects.filter(
        state=Introduction.State.ISSUED, due_on__gte=today, due_on__lte=horizon
    ).select_related("member", "workplace_org", "residence_org")
    for intro in letters.iterator(chunk_size=500):
        days = int(effective_policy(intro.workplace_org, "letter_reminder_days", today))
        if (intro.due_on - today).days > days:
            continue
        user = member_user(intro.member)
        if user is None:
            continue
        sent += notify(
            [user],
            kind="liaison.reminder",
            title=_("Sắp hết hạn nộp giấy giới thiệu về nơi cư trú"),
            body=_("Giấy số %(no)s phải nộp cho %(org)s chậm nhất ngày %(d)s.")
            % {
                "no": intro.number,
                "org": intro.residence_org.name,
                "d": intro.due_on.strftime("%d/%m/%Y"),
            },
            url=reverse("liaison:mine"),
            dedupe_key=f"liaison.reminder:{intro.pk}:{intro.due_on.isoformat()}",
            due_on=intro.due_on,
        )
    return sent


def escalate_overdue(today: dt.date) -> int:
    """Once per letter: the workplace cell's officers and the member are told, and the
    thread records it."""
    sent = 0
    letters = Introduction.objects.filter(
        state=Introduction.State.ISSUED, due_on__lt=today, overdue_flagged_on__isnull=True
    ).select_related("member", "member__organization", "workplace_org", "residence_org")
    for intro in letters.iterator(chunk_size=500):
        with transaction.atomic():
            flagged = Introduction.objects.filter(
                pk=intro.pk, overdue_flagged_on__isnull=True
            ).update(overdue_flagged_on=today)
            if not flagged:
                continue
            days = (today - intro.due_on).days
            system_event(
                intro,
                "overdue",
                _("Quá hạn nộp giấy %(n)s ngày (hạn %(d)s); đã báo nơi công tác.")
                % {"n": days, "d": intro.due_on.strftime("%d/%m/%Y")},
            )
            url = reverse("liaison:detail", args=[intro.pk])
            recipients = officers_of(intro.member.organization) or officers_of(intro.workplace_org)
            sent += notify(
                recipients,
                kind="liaison.overdue",
                title=_("Đảng viên %(n)s quá hạn nộp giấy giới thiệu")
                % {"n": intro.member.full_name},
                body=_("Giấy số %(no)s về %(org)s quá hạn %(d)s ngày.")
                % {"no": intro.number, "org": intro.residence_org.name, "d": days},
                url=url,
                dedupe_key=f"liaison.overdue:{intro.pk}",
                due_on=intro.due_on,
            )
            user = member_user(intro.member)
            if user:
                sent += notify(
                    [user],
                    kind="liaison.overdue",
                    title=_("Bạn đã quá hạn nộp giấy giới thiệu về nơi cư trú"),
                    body=_("Hãy nộp ngay giấy số %(no)s cho %(org)s.")
                    % {"no": intro.number, "org": intro.residence_org.name},
                    url=reverse("liaison:mine"),
                    dedupe_key=f"liaison.overdue.member:{intro.pk}",
                    due_on=intro.due_on,
                )
    return sent


def commune_digest(today: dt.date) -> int:
    """Weekly (one per ISO week) to each commune committee: letters addressed to its
    area and not yet handed in."""
    rows = Introduction.objects.filter(state=Introduction.State.ISSUED).values_list(
        "residence_org__path", "due_on"
    )
    if not rows:
        return 0
    communes = Organization.objects.filter(
        kind=Organization.Kind.BASE, side=Organization.Side.RESIDENCE, is_active=True
    ).only("pk", "path", "name", "depth")
    counts: dict[int, list[int]] = {}
    by_prefix = {c.path: c for c in communes}
    for path, due_on in rows:
        for i in range(Organization.steplen, len(path) + 1, Organization.steplen):
            commune = by_prefix.get(path[:i])
            if commune is not None:
                pending, overdue = counts.setdefault(commune.pk, [0, 0])
                counts[commune.pk] = [pending + 1, overdue + (1 if due_on < today else 0)]
                break
    year, week, _wd = today.isocalendar()
    sent = 0
    for commune in communes:
        if commune.pk not in counts:
            continue
        pending, overdue = counts[commune.pk]
        recipients = officers_of(commune, exact=True)
        sent += notify(
            recipients,
            kind="liaison.digest",
            title=_("%(n)s giấy giới thiệu về %(c)s chưa nộp") % {"n": pending, "c": commune.name},
            body=_("Trong đó %(o)s giấy đã quá hạn nộp. Xem danh sách giấy đến.") % {"o": overdue},
            url=reverse("liaison:inbox") + f"?org={commune.pk}",
            dedupe_key=f"liaison.digest:{commune.pk}:{year}-W{week:02d}",
        )
    return sent
