"""Red flags of the visits module for the organization board
(lienhe.reports.redflags): visit reports past their deadline (Policy
`visit_report_due_days`), and — from 1 July — committee members whose done plus planned
visits no longer reach the yearly minimum of their position (Quy định 1120-QĐ/TU; the
same "danger" light as `compliance.MemberRow.light`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from lienhe.reports.redflags import (
    RedFlag,
    days_overdue_score,
    policy,
    policy_at,
)
from lienhe.urlformat import url_for

from .models import QUOTA_KEYS, CommitteeMember, Visit


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """Two queries for the reports, two more (policies, committee members) from July."""
    flags = overdue_reports(org, today, limit)
    if today.month >= 7:
        flags += behind_quota(org, today, limit)
    return sorted(flags, key=lambda f: -f.score)[:limit]


def overdue_reports(org, today: dt.date, limit: int) -> list[RedFlag]:
    due_days = int(policy(org, "visit_report_due_days", today))
    # The visit's `planned_on` (its `report_due` rule) and the names a flag shows, one
    # reverse() and one gettext per call (issue 21).
    visits = (
        Visit.objects.in_subtree(org)
        .filter(state=Visit.State.PLANNED, planned_on__lt=today - dt.timedelta(days=due_days))
        .only("planned_on")
        .annotate(
            member_name=F("committee_member__full_name"),
            cell_name=F("cell__name"),
            cell_path=F("cell__path"),
        )
        .order_by("planned_on", "id")[:limit]
    )
    url = url_for("visits:visit_detail")
    title = _("%(name)s chưa nộp báo cáo dự sinh hoạt ngày %(d)s")
    return [
        RedFlag(
            module="visits",
            score=days_overdue_score(v.report_due(due_days), today, weight=5),
            title=title % {"name": v.member_name, "d": v.planned_on.strftime("%d/%m/%Y")},
            org_name=v.cell_name,
            org_path=v.cell_path,
            url=url(v.pk),
            deadline=v.report_due(due_days),
            key=f"visits:report:{v.pk}",
        )
        for v in visits
    ]


def behind_quota(org, today: dt.date, limit: int) -> list[RedFlag]:
    year = today.year
    jan_1 = dt.date(year, 1, 1)  # minimums_for reads the quota in force on 1 January
    seats = (
        CommitteeMember.objects.filter(
            is_active=True,
            committee__organization__path__startswith=org.path,
            committee__term_start__lte=today,
            committee__term_end__gte=today,
        )
        .select_related("committee__organization")
        .annotate(
            done=Count("visits", filter=Q(visits__year=year, visits__state=Visit.State.DONE)),
            planned=Count(
                "visits",
                filter=Q(
                    visits__year=year,
                    visits__state=Visit.State.PLANNED,
                    visits__planned_on__gte=today,
                ),
            ),
        )
        .order_by("committee__organization__path", "search_name", "pk")
    )
    year_end = dt.date(year, 12, 31)
    rows = []
    for cm in seats:
        committee_org = cm.committee.organization
        required = int(policy_at(org, committee_org.path, QUOTA_KEYS[cm.position], jan_1))
        shortfall = required - cm.done - cm.planned
        if required and shortfall > 0:
            rows.append((shortfall, cm, required))
    rows.sort(key=lambda r: (-r[0], r[1].committee.organization.path))
    url = url_for("visits:member_detail")
    return [
        RedFlag(
            module="visits",
            # Each missing visit weighs like two weeks late; the year end nears.
            score=shortfall * 15 + (today - dt.date(year, 7, 1)).days // 7,
            title=_("%(name)s mới dự %(done)s/%(req)s buổi, kế hoạch không đủ định mức năm")
            % {"name": cm.full_name, "done": cm.done, "req": required},
            org_name=cm.committee.organization.name,
            org_path=cm.committee.organization.path,
            url=url(cm.pk),
            deadline=year_end,
            detail=cm.get_position_display(),
            key=f"visits:quota:{cm.pk}:{year}",
        )
        for shortfall, cm, required in rows[:limit]
    ]
