"""Home panel and member-page section of the meetings module."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.scoping import has_org_permission, paths_with, subtree_q
from lienhe.prepared import prepared

from .models import Attendance, Meeting
from .selectors import attendance_summary


def home_panel(request) -> dict | None:
    user = request.user
    paths = paths_with(user, "meetings:read")
    member_id = getattr(user, "member_id", None)
    if not paths and not member_id:
        return None
    now = timezone.now()
    qs = Meeting.objects.upcoming(now - dt.timedelta(hours=3)).select_related("organization")
    if getattr(user, "is_superuser", False):
        pass
    elif paths:
        qs = qs.filter(subtree_q(paths, "organization__path"))
    else:
        from django.db.models import Q

        from .models import residence_orgs

        qs = qs.filter(
            Q(organization_id=user.member.organization_id)
            | Q(kind=Meeting.Kind.WORKING_MEMBERS, organization__in=residence_orgs(member_id))
        )
    upcoming = list(qs.order_by("planned_at", "id")[:5])
    return {
        "title": _("Lịch sinh hoạt sắp tới"),
        "template": "meetings/_home_panel.html",
        "meetings": upcoming,
        "can_list": bool(paths) or getattr(user, "is_superuser", False),
    }


@prepared
def _attendance_rows(member_id: int, year: int) -> QuerySet[Attendance]:
    """The member's latest 12 attendances of `year` (compiled once per process)."""
    return (
        Attendance.objects.filter(
            member_id=member_id, meeting__year=year, meeting__deleted_at__isnull=True
        )
        .select_related("meeting__organization")
        .order_by("-meeting__planned_at")[:12]
    )


def member_section(request, member, full: bool) -> dict | None:
    """The member's meetings and attendance this year. The workplace cell (full
    dossier) sees a working member's residence meeting dates and attendance."""
    year = timezone.localdate().year
    rows = _attendance_rows(member.pk, year)
    summary = attendance_summary([member.pk], year)[member.pk]
    residence_meetings: list[Meeting] = []
    if member.is_working:
        from lienhe.liaison.selectors import current_introduction

        intro = current_introduction(member, memo=True)
        if intro is not None and intro.residence_org_id:
            residence_meetings = list(
                Meeting.objects.filter(
                    organization_id=intro.residence_org_id, kind=Meeting.Kind.WORKING_MEMBERS
                )
                .upcoming()
                .select_related("organization")
                .order_by("planned_at")[:3]
            )
    if not rows and not residence_meetings and not full:
        return None
    return {
        "title": _("Sinh hoạt chi bộ năm %(y)s") % {"y": year},
        "template": "meetings/_member_section.html",
        "rows": rows,
        "summary": summary,
        "residence_meetings": residence_meetings,
        "can_roll_call": has_org_permission(request.user, member.organization, "meetings:write"),
    }
