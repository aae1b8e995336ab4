"""Red flags of the away module for the organization board (lienhe.reports.redflags):
members away from home that the cell has not contacted within the Policy interval
(`away_contact_interval_days`, same rule as `AwayPeriodQuerySet.contact_overdue`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext as _

from lienhe.reports.redflags import RedFlag, days_overdue_score, policy
from lienhe.urlformat import url_for

from .models import AwayPeriod


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """Two queries (policy, away periods) whatever the subtree size."""
    interval = int(policy(org, "away_contact_interval_days", today))
    # Only the columns the due date, the destination and the flag read, names joined in
    # rather than one model instance each (issue 21); the model's own rules
    # (`contact_due_on`, `destination_label`) stay the one definition.
    periods = (
        AwayPeriod.objects.in_subtree(org)
        .contact_overdue(today, interval)
        .select_related("destination_unit")
        .only(
            "status",
            "start_on",
            "approved_on",
            "last_contact_on",
            "destination_country",
            "destination_address",
            "destination_unit__name",
        )
        .annotate(
            member_name=F("member__full_name"),
            org_name=F("organization__name"),
            org_path=F("organization__path"),
        )
        .order_by("last_contact_on", "start_on", "id")[:limit]
    )
    url = url_for("away:detail")
    title = _("Chưa liên lạc với %(name)s (đi làm ăn xa) quá %(n)s ngày")
    detail = _("Nơi đến: %(d)s")
    flags = []
    for period in periods:
        due = period.contact_due_on(interval)
        flags.append(
            RedFlag(
                module="away",
                score=days_overdue_score(due, today, weight=0),
                title=title % {"name": period.member_name, "n": interval},
                org_name=period.org_name,
                org_path=period.org_path,
                url=url(period.pk),
                deadline=due,
                detail=detail % {"d": period.destination_label},
                key=f"away:contact:{period.pk}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
