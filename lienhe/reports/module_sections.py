"""Helpers of the periodic-report sections and figures: the subtree filter, local-day
bounds, the participation totals and the catalogue figure as a report line. The
sections themselves live in their modules (`<module>/periodic.py`, registered from
`<module>/registry.py` with `lienhe.registry.register(Section(...))`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lienhe.orgs.models import Organization

from .periodic import Figure


def in_subtree(qs: QuerySet, path_lookup: str, org: Organization) -> QuerySet:
    """Rows of `org`'s subtree. The national root has the empty path: every row is in
    it, so no join to the organization table is needed (the national report scans
    each table once instead of joining a million rows)."""
    if not org.path:
        return qs
    return qs.filter(**{f"{path_lookup}__startswith": org.path})


def day_range(start: dt.date, end: dt.date) -> dict:
    """Local-day bounds for a datetime column (same rows as `__date__range`, without
    converting every row's timestamp)."""
    tz = timezone.get_current_timezone()
    return {
        "gte": dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        "lt": dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    }


def participation_totals(org: Organization, on: dt.date) -> dict:
    """The totals of `reports.participation.participation(org, on)` (same filters) in
    two ungrouped queries: the periodic report needs no per-child rows."""
    from lienhe.liaison.models import Introduction
    from lienhe.liaison.selectors import live_on_q
    from lienhe.members.models import Member

    from .participation import _derive, _in_force, exempt_q, overdue_q

    working = in_subtree(
        Member.objects.filter(is_working=True, status=Member.Status.ACTIVE),
        "organization__path",
        org,
    ).count()
    letters = in_subtree(
        Introduction.objects.filter(
            _in_force(on), member__is_working=True, member__status=Member.Status.ACTIVE
        ).filter(Q(issued_on__lte=on) | Q(exempt_from__lte=on)),
        "member__organization__path",
        org,
    ).aggregate(
        exempt=Count("member_id", distinct=True, filter=exempt_q(on)),
        active=Count("member_id", distinct=True, filter=live_on_q(on) & ~exempt_q(on)),
        overdue=Count("member_id", distinct=True, filter=overdue_q(on)),
    )
    totals = {"working": working, **letters}
    totals.update(_derive(totals))
    return totals


def catalogue(name: str, org: Organization, start: dt.date, end: dt.date) -> tuple[Figure, dict]:
    """A catalogue figure (`lienhe.reports.figures`) as a periodic-report line: its
    label, its value as of `end` (from `start` for a flow figure), and its raw counts.
    The periodic report computes no catalogue figure on its own (issue 16)."""
    from . import figures

    read = figures.read(name, org, end, start=start)
    return Figure(read["label"], read["value"], read["kind"], name=name), read
