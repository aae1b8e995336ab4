"""Red flags of the meetings module for the organization board
(lienhe.reports.redflags): meetings whose day passed without a roll call or minutes
(same rule as the daily job `meetings.not_recorded`), and cells with no meeting at all
last month (Điều lệ Đảng, Điều 24: the cell meets regularly once a month)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.orgs.models import Organization
from lienhe.reports.redflags import RedFlag, days_overdue_score, policy
from lienhe.urlformat import url_for

from .models import Meeting


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """Three queries (policy, unrecorded meetings, silent cells)."""
    days = int(policy(org, "meeting_unrecorded_alert_days", today))
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min))
    # A rolling year, not the calendar year: on 01/01 a meeting of 28/12 that was never
    # recorded must still be flagged (issue 14); older ones are history, not alerts.
    year_start = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=365), dt.time.min)
    )
    flags: list[RedFlag] = []
    late = (
        Meeting.objects.in_subtree(org)
        .filter(state=Meeting.State.PLANNED, planned_at__lt=cutoff, planned_at__gte=year_start)
        .order_by("planned_at", "id")
        .values_list(
            "pk", "planned_at", "title", "kind", "organization__name", "organization__path"
        )[:limit]
    )
    # Tuples of what a flag shows, one reverse() and one gettext per call (issue 21).
    url = url_for("meetings:detail")
    title = _("Chưa điểm danh, chưa ghi biên bản buổi sinh hoạt ngày %(d)s")
    kinds = dict(Meeting._meta.get_field("kind").flatchoices)  # get_kind_display
    for pk, planned_at, meeting_title, kind, org_name, org_path in late:
        held_on = timezone.localtime(planned_at).date()
        deadline = held_on + dt.timedelta(days=days)
        flags.append(
            RedFlag(
                module="meetings",
                score=days_overdue_score(deadline, today, weight=5),
                title=title % {"d": held_on.strftime("%d/%m/%Y")},
                org_name=org_name,
                org_path=org_path,
                url=url(pk),
                deadline=deadline,
                detail=meeting_title or str(kinds.get(kind, kind)),
                key=f"meetings:unrecorded:{pk}",
            )
        )
    last_day = today.replace(day=1) - dt.timedelta(days=1)
    first_day = last_day.replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min))
    met = Meeting.objects.filter(
        organization=OuterRef("pk"), planned_at__gte=start, planned_at__lt=end
    ).exclude(state=Meeting.State.CANCELLED)
    silent = (
        Organization.objects.in_subtree(org)
        .filter(
            kind=Organization.Kind.CELL,
            is_active=True,
            side=Organization.Side.RESIDENCE,
        )
        .filter(~Exists(met))
        .order_by("path")
        .values_list("pk", "name", "path")[:limit]
    )
    month = last_day.strftime("%m/%Y")
    title = _("Không có buổi sinh hoạt nào trong tháng %(m)s") % {"m": month}
    list_url = reverse("meetings:list")
    score = days_overdue_score(last_day, today, weight=15)
    for pk, name, path in silent:
        flags.append(
            RedFlag(
                module="meetings",
                score=score,
                title=title,
                org_name=name,
                org_path=path,
                url=f"{list_url}?organization={pk}&year={last_day.year}&month={last_day.month}",
                deadline=last_day,
                key=f"meetings:silent:{pk}:{month}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
