"""Compliance figures: per committee member (required / planned / done / missed /
late) and per unit (cells covered, remote cells covered). Bounded queries."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.orgs.models import Organization
from lienhe.prepared import prepared
from lienhe.text import choice_labels

from .models import Committee, CommitteeMember, Position, Visit, VisitAssignment
from .services import minimums_for, residence_cells

PERIODS = {
    "q1": (_("Quý I"), 1, 3),
    "q2": (_("Quý II"), 4, 6),
    "q3": (_("Quý III"), 7, 9),
    "q4": (_("Quý IV"), 10, 12),
    "h1": (_("6 tháng đầu năm"), 1, 6),
    "year": (_("Cả năm"), 1, 12),
}


def period_title(year: int, period: str) -> str:
    """ "quý I năm 2026", "6 tháng đầu năm 2026", "năm 2026"."""
    if period == "year" or period not in PERIODS:
        return f"năm {year}"
    if period == "h1":
        return f"6 tháng đầu năm {year}"
    return f"quý {str(PERIODS[period][0]).split()[-1]} năm {year}"


def period_bounds(year: int, period: str) -> tuple[dt.date, dt.date]:
    _label, first, last = PERIODS.get(period, PERIODS["year"])
    end = dt.date(year, last, 28) + dt.timedelta(days=4)
    return dt.date(year, first, 1), end - dt.timedelta(days=end.day)


@dataclass
class MemberRow:
    committee_member: CommitteeMember
    required: int
    assigned: int
    planned: int
    done: int
    missed: int
    awaiting: int
    late: int
    remote_done: int
    rescheduled: int
    # The position's label, translated once per list (not get_position_display per row).
    position_label: str = ""
    # Visits done in [start, as_of] (`member_rows(as_of=…)`): the catalogue figure
    # `visits_done_vs_required` counts a running period up to today, not to its end.
    done_as_of: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.required if self.required else 100.0

    @property
    def light(self) -> str:
        """ok: minimum reached; warn: the plan still reaches it; danger: it does not;
        none: the province sets no minimum for this position (neutral default)."""
        if not self.required:
            return "none"
        if self.done >= self.required:
            return "ok"
        if self.done + self.planned >= self.required:
            return "warn"
        return "danger"

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]


LIGHT_LABELS = {
    "ok": _("Đạt"),
    "warn": _("Đang thực hiện"),
    "danger": _("Chưa đạt"),
    "none": _("Không quy định số lần"),
}


class MemberRows(list):
    """The rows of `member_rows` with what they count: the committee, the year of the
    minimums, the window [start, end], the as-of date of `done_as_of` and whether they
    are all the committee's active members (`whole`)."""

    def __init__(self, rows, *, committee, year, start, end, as_of, whole):
        super().__init__(rows)
        self.committee, self.year, self.start, self.end = committee, year, start, end
        self.as_of, self.whole = as_of, whole

    def counts(self, committee: Committee, year: int, start: dt.date, as_of: dt.date) -> bool:
        """True when `done_as_of` and `required` are those of every active member of
        `committee` for visits done in [start, as_of] against the minimums of `year`."""
        return (
            self.whole
            and self.committee.pk == committee.pk
            and self.year == year
            and self.start == start
            and self.as_of == as_of
            and as_of <= self.end
        )


# Counts per committee member, each a filter on the member's visits in the window
# (`window`, a FilteredRelation on `visits`): the same definitions as before issue 21's
# session 7, now read with the members in one query.
def _counts(year: int, start: dt.date, end: dt.date, today: dt.date, as_of: dt.date) -> dict:
    done = Q(window__state=Visit.State.DONE)
    assigned = (
        VisitAssignment.objects.filter(committee_member=OuterRef("pk"), year=year)
        .values("committee_member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "c_planned": Count(
            "window", filter=Q(window__state=Visit.State.PLANNED, window__planned_on__gte=today)
        ),
        "c_awaiting": Count(
            "window", filter=Q(window__state=Visit.State.PLANNED, window__planned_on__lt=today)
        ),
        "c_done": Count("window", filter=done),
        "c_done_as_of": Count("window", filter=done & Q(window__planned_on__lte=as_of)),
        "c_missed": Count("window", filter=Q(window__state=Visit.State.MISSED)),
        "c_rescheduled": Count(
            "window",
            filter=Q(window__state=Visit.State.MISSED, window__rescheduled_to__isnull=False),
        ),
        "c_late": Count("window", filter=done & Q(window__report__days_late__gt=0)),
        "c_remote_done": Count(
            "window__cell_id", filter=done & Q(window__cell__is_remote=True), distinct=True
        ),
        "c_assigned": Coalesce(Subquery(assigned), 0),
    }


_COUNTED = (
    "planned",
    "awaiting",
    "done",
    "done_as_of",
    "missed",
    "rescheduled",
    "late",
    "remote_done",
)


def member_rows(
    committee: Committee,
    year: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    members=None,
    today: dt.date | None = None,
    as_of: dt.date | None = None,
) -> MemberRows:
    """One row per active committee member, ranked (2 queries: the members with their
    counts, and the minimums). `members`: a queryset of some of them, or the loaded rows
    themselves. `as_of`: also count the visits done in [start, as_of] (`done_as_of`;
    default `end`)."""
    today = today or timezone.localdate()
    start = start or dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    as_of = end if as_of is None else as_of
    window = FilteredRelation("visits", condition=Q(visits__planned_on__range=(start, end)))
    counts = _counts(year, start, end, today, as_of)
    whole = members is None
    if isinstance(members, list):
        loaded = members
        by_pk = {
            row.pop("pk"): row
            for row in CommitteeMember.objects.filter(pk__in=[m.pk for m in loaded])
            .annotate(window=window)
            .values("pk")
            .annotate(**counts)
            .order_by()
        }
        counted = [by_pk[m.pk] for m in loaded]
    else:
        qs = members if members is not None else committee.committee_members.filter(is_active=True)
        # Without the members' users: joined here they widened the grouping of every
        # count and cost the compliance page ≈3 ms (issue 21); the one reader of
        # `committee_member.user` (jobs.behind_minimum) loads them itself.
        loaded = list(qs.ranked().annotate(window=window).annotate(**counts))
        counted = [{name: getattr(m, name) for name in counts} for m in loaded]
    minimums = minimums_for(committee, year)
    labels = choice_labels(Position.choices)
    return MemberRows(
        [_row(m, c, minimums, labels) for m, c in zip(loaded, counted, strict=True)],
        committee=committee,
        year=year,
        start=start,
        end=end,
        as_of=as_of,
        whole=whole,
    )


def _row(m: CommitteeMember, c, minimums: dict[str, int], labels: dict[str, str]) -> MemberRow:
    """A MemberRow from a committee member and its counts (`c_…`, a dict or the
    annotated member itself)."""
    get = c.__getitem__ if isinstance(c, dict) else lambda name: getattr(c, name)
    return MemberRow(
        committee_member=m,
        required=minimums.get(m.position, 0),
        assigned=get("c_assigned"),
        position_label=labels.get(m.position, m.position),
        **{name: get("c_" + name) for name in _COUNTED},
    )


def seat_rows(seats, year: int, *, today: dt.date | None = None) -> list[MemberRow]:
    """Rows of some seats, possibly in several committees (a member's dossier), in the
    order of `seats` (a queryset): the seats with their counts for `year` in one query,
    then the minimums once per committee (issue 21: was the seats, then their counts)."""
    today = today or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return _rows_of_seats(list(_seats_with_counts(seats, year, start, end, today)), year)


def member_seat_rows(member_id: int, year: int, *, today: dt.date | None = None) -> list[MemberRow]:
    """`seat_rows` of the member's active seats (the dossier), its query compiled once
    per process: Django spent more time building these counts than PostgreSQL running
    them (issue 21)."""
    today = today or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return _rows_of_seats(_member_seats(member_id, year, start, end, today), year)


@prepared
def _member_seats(member_id: int, year: int, start: dt.date, end: dt.date, today: dt.date):
    seats = CommitteeMember.objects.filter(member_id=member_id, is_active=True)
    return _seats_with_counts(seats, year, start, end, today)


def _seats_with_counts(seats, year: int, start: dt.date, end: dt.date, today: dt.date):
    window = FilteredRelation("visits", condition=Q(visits__planned_on__range=(start, end)))
    return (
        seats.select_related("committee__organization")
        .annotate(window=window)
        .annotate(**_counts(year, start, end, today, end))
    )


def _rows_of_seats(loaded: list[CommitteeMember], year: int) -> list[MemberRow]:
    minimums: dict[int, dict[str, int]] = {}
    labels = choice_labels(Position.choices)
    rows = []
    for m in loaded:
        if m.committee_id not in minimums:
            minimums[m.committee_id] = minimums_for(m.committee, year)
        rows.append(_row(m, m, minimums[m.committee_id], labels))
    return rows


@dataclass
class UnitRow:
    unit: Organization
    cells: int
    remote_cells: int
    visits_done: int
    cells_visited: int
    remote_visited: int

    @property
    def coverage(self) -> float:
        return 100.0 * self.cells_visited / self.cells if self.cells else 0.0


def unit_rows(
    committee: Committee, year: int, *, start: dt.date | None = None, end: dt.date | None = None
) -> list[UnitRow]:
    """Per unit directly under the committee's organization (3 queries)."""
    root = committee.organization
    start = start or dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    units = list(
        Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1)
        .exclude(kind=Organization.Kind.CELL)
        .order_by("path")
    )
    plen = len(root.path) + root.steplen
    # Counted per unit in SQL (the unit's path is the first `plen` characters of a cell's):
    # a province's 2.000 cells were read row by row before (issue 21).
    cells = {
        c["unit"]: (c["n"], c["remote"])
        for c in residence_cells(root)
        .annotate(unit=Substr("path", 1, plen))
        .values("unit")
        .annotate(n=Count("pk"), remote=Count("pk", filter=Q(is_remote=True)))
        .order_by()
    }
    done = {
        d["unit"]: (d["n"], d["cells"], d["remote"])
        for d in Visit.objects.filter(
            cell__path__startswith=root.path,
            state=Visit.State.DONE,
            planned_on__range=(start, end),
        )
        .annotate(unit=Substr("cell__path", 1, plen))
        .values("unit")
        .annotate(
            n=Count("pk"),
            cells=Count("cell_id", distinct=True),
            remote=Count("cell_id", distinct=True, filter=Q(cell__is_remote=True)),
        )
        .order_by()
    }
    rows = []
    for unit in units:
        n, r = cells.get(unit.path, (0, 0))
        if not n:
            continue
        rows.append(UnitRow(unit, n, r, *done.get(unit.path, (0, 0, 0))))
    return rows


def totals(rows: list[MemberRow]) -> dict:
    t = {
        "members": len(rows),
        "required": sum(r.required for r in rows),
        "done": sum(min(r.done, r.required) for r in rows),
        "done_all": sum(r.done for r in rows),
        "planned": sum(r.planned for r in rows),
        "missed": sum(r.missed for r in rows),
        "late": sum(r.late for r in rows),
        "awaiting": sum(r.awaiting for r in rows),
        "reached": sum(1 for r in rows if r.light == "ok"),
        "behind": sum(1 for r in rows if r.light == "danger"),
    }
    return t


def miss_reasons(committee: Committee, year: int, start=None, end=None) -> list[tuple[str, int]]:
    from .models import MissReason

    start = start or dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    rows = (
        Visit.objects.filter(
            committee_member__committee=committee,
            state=Visit.State.MISSED,
            planned_on__range=(start, end),
        )
        .values("miss_reason")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    labels = dict(MissReason.choices)
    return [(str(labels.get(r["miss_reason"], r["miss_reason"])), r["n"]) for r in rows]


def behind_midyear(row: MemberRow) -> bool:
    """By mid-year a member should have done half the minimum (rounded up)."""
    return row.done < math.ceil(row.required / 2)


def bar_chart(rows: list[MemberRow], width: int = 640) -> dict:
    """Data for the server-side SVG: done vs required by position."""
    from .models import POSITION_ORDER

    groups = []
    for pos in POSITION_ORDER:
        label = pos.label
        sel = [r for r in rows if r.committee_member.position == pos]
        if not sel:
            continue
        required = sum(r.required for r in sel)
        done = sum(min(r.done, r.required) for r in sel)
        groups.append({"label": str(label), "required": required, "done": done})
    top = max([g["required"] for g in groups] or [1]) or 1
    bar_w = width - 330
    for i, g in enumerate(groups):
        g["y"] = 10 + i * 44
        g["req_w"] = round(bar_w * g["required"] / top)
        g["done_w"] = round(bar_w * g["done"] / top)
        g["pct"] = round(100 * g["done"] / g["required"]) if g["required"] else 100
    return {"groups": groups, "width": width, "height": 20 + 44 * len(groups), "x0": 220}


def monthly_gaps(committee: Committee, year: int, today: dt.date | None = None) -> list[int] | None:
    """Months of `year` already over in which no member of `committee` attended a cell
    meeting, where the province's preset asks for a monthly rhythm (Quy định 1120-QĐ/TU:
    "phân công cấp ủy định kỳ hằng tháng về dự sinh hoạt với chi bộ"); None when the
    Policy does not ask for it or the committee is the province's own (the rhythm is
    asked of the committees below the province)."""
    from lienhe.orgs.services import effective_policy

    today = today or timezone.localdate()
    if committee.organization.kind == Organization.Kind.PROVINCE:
        return None
    if not effective_policy(committee.organization, "visit_monthly_rhythm", dt.date(year, 1, 1)):
        return None
    last = 12 if year < today.year else (today.month - 1 if year == today.year else 0)
    done = set(
        Visit.objects.filter(
            committee_member__committee=committee,
            state=Visit.State.DONE,
            planned_on__year=year,
        )
        .values_list("planned_on__month", flat=True)
        .distinct()
    )
    return [m for m in range(1, last + 1) if m not in done]
