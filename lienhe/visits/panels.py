"""Home panel and member-page section of the visits module."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.scoping import has_perm_anywhere

from . import compliance
from .models import CommitteeMember, Visit, committee_member_visible


def my_progress(user, year: int, today=None) -> list[dict]:
    """For each active committee seat of the user: the compliance row, the next visits
    and the visits waiting for a report."""
    today = today or timezone.localdate()
    result = []
    seats = CommitteeMember.objects.filter(user=user, is_active=True).select_related(
        "committee__organization"
    )
    for cm in seats:
        row = compliance.member_rows(
            cm.committee, year, members=CommitteeMember.objects.filter(pk=cm.pk), today=today
        )[0]
        visits = Visit.objects.filter(committee_member=cm, year=year).select_related("cell")
        result.append(
            {
                "cm": cm,
                "row": row,
                "upcoming": list(
                    visits.filter(state=Visit.State.PLANNED, planned_on__gte=today).order_by(
                        "planned_on"
                    )[:5]
                ),
                "awaiting": list(
                    visits.filter(state=Visit.State.PLANNED, planned_on__lt=today).order_by(
                        "planned_on"
                    )
                ),
            }
        )
    return result


def home_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    from lienhe.access.scoping import paths_with, subtree_q

    from .models import Committee

    today = timezone.localdate()
    mine = my_progress(user, today.year, today)
    board = None
    manage_paths = paths_with(user, "visits:manage")
    if manage_paths:
        committee = (
            Committee.objects.filter(subtree_q(manage_paths, "organization__path"))
            .select_related("organization")
            .order_by("organization__depth", "-term_start", "pk")
            .first()
        )
        if committee is not None:
            rows = compliance.member_rows(committee, today.year, today=today)
            board = {"committee": committee, "totals": compliance.totals(rows)}
    if not mine and board is None:
        return None
    return {
        "template": "visits/_home_panel.html",
        "title": _("Dự sinh hoạt chi bộ năm %(y)s") % {"y": today.year},
        "mine": mine,
        "board": board,
        "year_end": today.replace(month=12, day=31),
    }


def member_section(request, member, full: bool) -> dict | None:
    if not full:
        return None
    year = timezone.localdate().year
    # The seats with their counts in one query (issue 21: was the seats, then their counts).
    rows = compliance.member_seat_rows(member.pk, year)
    if not rows:
        return None
    seats = [r.committee_member for r in rows]
    return {
        "template": "visits/_member_section.html",
        "title": _("Dự sinh hoạt chi bộ (cấp ủy viên)"),
        "rows": rows,
        "year": year,
        # Only link to the committee member's page for users who may open it.
        "can_open": {seat.pk for seat in seats if committee_member_visible(seat, request.user)}
        if has_perm_anywhere(request.user, "visits:read")
        else set(),
    }


def visitors_for_cells(user, today, limit: int = 5) -> list[Visit]:
    """Planned visits of committee members to the cells the user runs as cell officer
    (the secretary's "cấp ủy viên sẽ dự sinh hoạt"). Only the user's own cells: the
    secretary holds no `visits:read`, and this opens nothing else of the module."""
    from lienhe.access.scoping import grants, subtree_q

    paths = sorted({g.path for g in grants(user) if g.role == "cell_officer"})
    if not paths:
        return []
    return list(
        Visit.objects.filter(subtree_q(paths, "cell__path"))
        .filter(state=Visit.State.PLANNED, planned_on__gte=today)
        .select_related("cell", "committee_member", "meeting")
        .order_by("planned_on", "id")[:limit]
    )
