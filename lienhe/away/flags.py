"""Red flags of the away module for the organization board (lienhe.reports.redflags):
members away from home that the cell has not contacted within the Policy interval
(`away_contact_interval_days`, same rule as `AwayPeriodQuerySet.contact_overdue`)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.reports.redflags import RedFlag, days_overdue_score, policy

from .models import AwayPeriod


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """Two queries (policy, away periods) whatever the subtree size."""
    interval = int(policy(org, "away_contact_interval_days", today))
    periods = (
        AwayPeriod.objects.in_subtree(org)
        .contact_overdue(today, interval)
        .select_related("member", "organization", "destination_unit")
        .order_by("last_contact_on", "start_on", "id")[:limit]
    )
    flags = []
    for period in periods:
        due = period.contact_due_on(interval)
        flags.append(
            RedFlag(
                module="away",
                score=days_overdue_score(due, today, weight=0),
                title=_("Chưa liên lạc với %(name)s (đi làm ăn xa) quá %(n)s ngày")
                % {"name": period.member.full_name, "n": interval},
                org_name=period.organization.name,
                org_path=period.organization.path,
                url=reverse("away:detail", args=[period.pk]),
                deadline=due,
                detail=_("Nơi đến: %(d)s") % {"d": period.destination_label},
                key=f"away:contact:{period.pk}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
