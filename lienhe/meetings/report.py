"""Meeting-frequency report for a subtree and a year: meetings held per cell against the
Policy minimums, attendance of own and working members, repeated unexcused absences and
quality levels. A fixed number of aggregate queries whatever the size of the subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy

from .models import Attendance, Meeting, Rating
from .selectors import held_counts_by_cell

KINDS = [k for k in Meeting.Kind.values]
LEVELS = [lv for lv in Rating.Level.values]


@dataclass
class Row:
    org: Organization
    is_cell: bool
    cells: int = 0
    residence_cells: int = 0
    held: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    total: int = 0
    below_regular: int = 0
    below_working: int = 0
    never_working: int = 0
    own_expected: int = 0
    own_attended: int = 0
    working_expected: int = 0
    working_attended: int = 0
    levels: dict = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    @property
    def below(self) -> int:
        return self.below_regular + self.below_working

    @property
    def flagged(self) -> bool:
        return self.below > 0

    def add_cell(self, other: Row) -> None:
        self.cells += other.cells
        self.residence_cells += other.residence_cells
        for k in KINDS:
            self.held[k] += other.held[k]
        for lv in LEVELS:
            self.levels[lv] += other.levels[lv]
        for name in (
            "total",
            "below_regular",
            "below_working",
            "never_working",
            "own_expected",
            "own_attended",
            "working_expected",
            "working_attended",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Report:
    org: Organization
    year: int
    min_regular: int  # due so far (pro rata for the current year)
    min_working: int  # due so far: one per half-year already over (Quy định 213, Điều 4)
    year_min_regular: int  # the Policy's yearly minimums
    year_min_working: int
    as_of: dt.date
    absence_limit: int
    rows: list[Row]
    totals: Row
    absentees: list[dict]
    absentee_count: int


def _is_residence(cell: Organization, parent_sides: dict[str, str]) -> bool:
    if cell.side == Organization.Side.RESIDENCE:
        return True
    if cell.side == Organization.Side.WORKPLACE:
        return False
    return parent_sides.get(cell.path[: -cell.steplen]) == Organization.Side.RESIDENCE


def due_so_far(yearly: int, year: int, today: dt.date) -> int:
    """The yearly minimum, pro rata over the months already over in the current year
    (a year in the future owes nothing yet)."""
    if year < today.year:
        return yearly
    if year > today.year:
        return 0
    return (yearly * (today.month - 1)) // 12


def halves_due(year: int, today: dt.date) -> int:
    """Half-years of `year` already over on `today` (0, 1 or 2)."""
    if year < today.year:
        return 2
    if year > today.year:
        return 0
    return 1 if today.month >= 7 else 0


def per_half(yearly: int) -> int:
    """Meetings with working members owed in each half-year: Quy định 213-QĐ/TW, Điều 4,
    Khoản 3 says "định kỳ 6 tháng", so the yearly minimum is split over the two halves
    (2 per year → 1 per half). Two meetings in December do not make up for none in
    the first half."""
    return -(-yearly // 2)


def build(org: Organization, year: int, today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    on = dt.date(year, 12, 31)
    year_min_regular = int(effective_policy(org, "min_regular_meetings_per_year", on))
    year_min_working = int(effective_policy(org, "min_working_member_meetings_per_year", on))
    min_regular = due_so_far(year_min_regular, year, today)
    working_per_half = per_half(year_min_working)
    working_halves = halves_due(year, today)
    min_working = working_per_half * working_halves
    absence_limit = int(effective_policy(org, "unexcused_absence_alert", on))
    subtree = Organization.objects.filter(path__startswith=org.path, is_active=True)
    nodes = list(
        subtree.filter(kind__in=["province", "district", "base", "cell"]).only(
            "pk", "path", "depth", "name", "kind", "side", "numchild"
        )
    )
    sides = {n.path: n.side for n in nodes}
    cells = [n for n in nodes if n.kind == Organization.Kind.CELL]
    held = held_counts_by_cell(org, year)
    # Quality: the higher committee's level when it rated, else the cell's own.
    rated = (
        Rating.objects.filter(
            meeting__organization__path__startswith=org.path,
            meeting__year=year,
            meeting__deleted_at__isnull=True,  # soft-deleted meetings do not count
        )
        .values("meeting__organization_id", "by", "level")
        .annotate(n=Count("id"))
    )
    levels: dict[int, dict[str, int]] = {}
    for r in rated:
        if r["by"] == Rating.By.SELF:
            bucket = levels.setdefault(r["meeting__organization_id"], dict.fromkeys(LEVELS, 0))
            bucket[r["level"]] += r["n"]
    cell_rows: dict[str, Row] = {}
    for cell in cells:
        row = Row(org=cell, is_cell=True, cells=1)
        counts = held.get(cell.pk, {})
        for k in KINDS:
            row.held[k] = counts.get(k, 0)
        row.total = counts.get("total", 0)
        residence = _is_residence(cell, sides)
        row.residence_cells = 1 if residence else 0
        if row.held[Meeting.Kind.REGULAR] < min_regular:
            row.below_regular = 1
        by_half = (counts.get("working_h1", 0), counts.get("working_h2", 0))
        if residence and any(by_half[h] < working_per_half for h in range(working_halves)):
            row.below_working = 1
        if residence and row.held[Meeting.Kind.WORKING_MEMBERS] == 0:
            row.never_working = 1
        row.own_expected = counts.get("own_expected", 0)
        row.own_attended = counts.get("own_attended", 0)
        row.working_expected = counts.get("working_expected", 0)
        row.working_attended = counts.get("working_attended", 0)
        if cell.pk in levels:
            row.levels = levels[cell.pk]
        cell_rows[cell.path] = row
    # Drill-down: one row per child node (aggregating its cells), or per cell.
    children = [n for n in nodes if n.depth == org.depth + 1]
    rows: list[Row] = []
    if org.kind == Organization.Kind.CELL:
        rows = [cell_rows[org.path]] if org.path in cell_rows else []
    for child in children:
        if child.kind == Organization.Kind.CELL:
            rows.append(cell_rows[child.path])
            continue
        agg = Row(org=child, is_cell=False)
        for path, row in cell_rows.items():
            if path.startswith(child.path):
                agg.add_cell(row)
        rows.append(agg)
    totals = Row(org=org, is_cell=org.kind == Organization.Kind.CELL)
    for row in cell_rows.values():
        totals.add_cell(row)
    absent_q = (
        Attendance.objects.filter(
            status=Attendance.Status.ABSENT,
            # The Statute's own-cell count (Điều 8, Khoản 2); residence absences of
            # working members are a separate rule (Quy định 213, Điều 4).
            is_working_member=False,
            meeting__organization__path__startswith=org.path,
            meeting__year=year,
            meeting__state=Meeting.State.HELD,
            meeting__deleted_at__isnull=True,
        )
        .values("member_id")
        .annotate(n=Count("id"))
        .filter(n__gte=absence_limit)
    )
    # One pass: members over the limit are a few percent, sort them here.
    over = sorted(absent_q.order_by(), key=lambda r: (-r["n"], r["member_id"]))
    top, absentee_count = over[:50], len(over)
    names = {
        m["pk"]: m
        for m in Member.objects.filter(pk__in=[r["member_id"] for r in top]).values(
            "pk", "full_name", "organization__name"
        )
    }
    absentees = [
        {
            "member_id": r["member_id"],
            "n": r["n"],
            "member__full_name": names.get(r["member_id"], {}).get("full_name", ""),
            "member__organization__name": names.get(r["member_id"], {}).get(
                "organization__name", ""
            ),
        }
        for r in top
    ]
    return Report(
        org=org,
        year=year,
        min_regular=min_regular,
        min_working=min_working,
        year_min_regular=year_min_regular,
        year_min_working=year_min_working,
        as_of=min(today, on),
        absence_limit=absence_limit,
        rows=rows,
        totals=totals,
        absentees=absentees,
        absentee_count=absentee_count,
    )


def rate(part: int, whole: int) -> float | None:
    """Attendance as a 0..1 ratio, truncated by the one rule (docs/reports.md)."""
    from lienhe.reports.toolkit import ratio

    return ratio(part, whole)
