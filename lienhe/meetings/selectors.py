"""Read-side contract of the meetings module; other modules (liaison, reviews, reports,
visits) call these instead of querying the models directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lienhe.access.scoping import paths_with, subtree_q
from lienhe.orgs.models import Organization
from lienhe.prepared import prepared

from .models import Attendance, Meeting

STATUS_KEYS = ("present", "excused", "absent", "late")
REPORT_KINDS = ("province", "district", "base", "cell")  # what a frequency report is about


def writable_cells(user) -> QuerySet[Organization]:
    """Active cells where the user may plan meetings (meetings:write)."""
    qs = Organization.objects.filter(kind=Organization.Kind.CELL, is_active=True)
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(subtree_q(paths_with(user, "meetings:write")))


def group_choices(cells: QuerySet[Organization], org_id: str | None) -> QuerySet[Organization]:
    """Groups of the chosen cell among `cells` (none when the id is not one of them)."""
    if not org_id or not str(org_id).isdigit():
        return Organization.objects.none()
    cell = cells.filter(pk=int(org_id)).first()
    if cell is None:
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=cell.path, kind="group")


def _summary(members: Q, year: int) -> QuerySet:
    return (
        Attendance.objects.filter(
            members,
            meeting__year=year,
            meeting__state=Meeting.State.HELD,
            meeting__deleted_at__isnull=True,
        )
        .values("member_id")
        .annotate(
            expected=Count("id"),
            **{key: Count("id", filter=Q(status=key)) for key in STATUS_KEYS},
        )
    )


@prepared
def _member_summary(member_id: int, year: int) -> QuerySet:
    return _summary(Q(member_id=member_id), year)


def attendance_summary(member_ids: Iterable[int], year: int) -> dict[int, dict[str, int]]:
    """{member_id: {"expected", "present", "excused", "absent", "late"}} over the held
    meetings of `year` (one query). Members with no row get zeros."""
    ids = list(member_ids)
    result = {mid: dict.fromkeys(("expected", *STATUS_KEYS), 0) for mid in ids}
    if not ids:
        return result
    # One member (the dossier): the same counts, compiled once per process.
    rows = _member_summary(ids[0], year) if len(ids) == 1 else _summary(Q(member_id__in=ids), year)
    for row in rows:
        mid = row.pop("member_id")
        result[mid] = row
    return result


def next_meeting(org: Organization, after: dt.datetime | None = None) -> Meeting | None:
    """The cell's next planned (or moved) meeting from `after` (default now)."""
    return (
        Meeting.objects.filter(organization=org)
        .upcoming(after or timezone.now())
        .order_by("planned_at", "id")
        .first()
    )


def meetings_held(org_subtree: Organization, year: int) -> QuerySet[Meeting]:
    """Held meetings of `year` in the subtree of `org_subtree` (for reports)."""
    return Meeting.objects.in_subtree(org_subtree).filter(year=year, state=Meeting.State.HELD)


def held_between(org_subtree: Organization, start: dt.date, end: dt.date) -> QuerySet[Meeting]:
    """Held meetings of the subtree planned in [start, end] (local days): the period
    form of `meetings_held`, read by the figures catalogue (`lienhe.reports.figures`)."""
    from lienhe.reports.module_sections import day_range, in_subtree

    bounds = {f"planned_at__{k}": v for k, v in day_range(start, end).items()}
    return in_subtree(Meeting.objects.all(), "organization__path", org_subtree).filter(
        state=Meeting.State.HELD, **bounds
    )


def held_aggregates() -> dict:
    """THE definition of the meeting figures (issue 16), shared by the per-cell report
    (`held_counts_by_cell`) and the catalogue (`held_totals`): meetings by kind, and
    attendance from each meeting's counters — at a meeting with working members
    everyone expected is a working member; at the others, the cell's own members."""
    wm = Q(kind=Meeting.Kind.WORKING_MEMBERS)
    return {
        "total": Count("id"),
        **{kind: Count("id", filter=Q(kind=kind)) for kind in Meeting.Kind.values},
        "own_expected": Sum("expected_count", filter=~wm, default=0),
        "own_attended": Sum("present_count", filter=~wm, default=0),
        "working_expected": Sum("expected_count", filter=wm, default=0),
        "working_attended": Sum("present_count", filter=wm, default=0),
    }


def held_totals(org_subtree: Organization, start: dt.date, end: dt.date) -> dict[str, int]:
    """`held_aggregates` over the whole subtree and period, one query."""
    return held_between(org_subtree, start, end).aggregate(**held_aggregates())


def held_counts_by_cell(org_subtree: Organization, year: int) -> dict[int, dict[str, int]]:
    """{cell_id: {kind: n, "total": n, "own_expected", "own_attended", "working_expected",
    "working_attended"}} of held meetings, in one query over meetings only: attendance
    comes from each meeting's counters (kept by the roll call), so a report never scans
    the million attendance rows. At a meeting with working members everyone expected is
    a working member; at the others, the cell's own members."""
    wm = Q(kind=Meeting.Kind.WORKING_MEMBERS)
    rows = (
        meetings_held(org_subtree, year)
        .values("organization_id")
        .annotate(
            **held_aggregates(),
            # Quy định 213-QĐ/TW, Điều 4, Khoản 3 ("định kỳ 6 tháng"): per half-year.
            working_h1=Count("id", filter=wm & Q(planned_at__month__lte=6)),
            working_h2=Count("id", filter=wm & Q(planned_at__month__gte=7)),
        )
    )
    return {row.pop("organization_id"): row for row in rows}


def member_meetings(member, start: dt.date, end: dt.date) -> QuerySet[Meeting]:
    """Meetings of the member's own cell and those they attended, in [start, end]."""
    return (
        Meeting.objects.filter(
            Q(organization_id=member.organization_id)
            | Q(pk__in=Attendance.objects.filter(member=member).values("meeting_id"))
        )
        .filter(planned_at__date__range=(start, end))
        .select_related("organization")
    )


def reads_all_attendance(user, meeting: Meeting) -> bool:
    """The one rule on attendance rows for the meeting page and the API (issue 15,
    finding 6): `meetings:read` at the meeting's organization (officers, committee
    staff, visitors, viewers) reads every row; anyone else (a plain member) reads only
    their own row. The totals per status are not personal and are shown to everyone
    who sees the meeting."""
    from lienhe.access.scoping import has_org_permission

    return has_org_permission(user, meeting.organization, "meetings:read")


def attendance_visible_to(user, meeting: Meeting) -> QuerySet[Attendance]:
    """The attendance rows of `meeting` that `user` may read (`reads_all_attendance`)."""
    rows = Attendance.objects.filter(meeting=meeting)
    if reads_all_attendance(user, meeting):
        return rows
    member_id = getattr(user, "member_id", None)
    return rows.filter(member_id=member_id) if member_id else rows.none()
