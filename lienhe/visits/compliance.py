"""Compliance figures: per committee member (required / planned / done / missed /
late) and per unit (cells covered, remote cells covered). Bounded queries."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.orgs.models import Organization

from .models import Committee, CommitteeMember, Position, Visit
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


def member_rows(
    committee: Committee,
    year: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    members=None,
    today: dt.date | None = None,
) -> list[MemberRow]:
    """One row per active committee member (4 queries + 1 policy read). `members`: a
    queryset of some of them, or the loaded rows themselves (one query less)."""
    today = today or timezone.localdate()
    start = start or dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    if not isinstance(members, list):
        qs = members if members is not None else committee.committee_members.filter(is_active=True)
        members = list(qs.select_related("user").ranked())
    minimums = minimums_for(committee, year)
    ids = [m.pk for m in members]
    visits = Visit.objects.filter(committee_member_id__in=ids, planned_on__range=(start, end))
    agg = {
        row.pop("committee_member_id"): row
        for row in visits.values("committee_member_id").annotate(
            planned=Count("id", filter=Q(state=Visit.State.PLANNED, planned_on__gte=today)),
            awaiting=Count("id", filter=Q(state=Visit.State.PLANNED, planned_on__lt=today)),
            done=Count("id", filter=Q(state=Visit.State.DONE)),
            missed=Count("id", filter=Q(state=Visit.State.MISSED)),
            rescheduled=Count(
                "id", filter=Q(state=Visit.State.MISSED, rescheduled_to__isnull=False)
            ),
            late=Count("id", filter=Q(state=Visit.State.DONE, report__days_late__gt=0)),
            remote_done=Count(
                "cell_id", filter=Q(state=Visit.State.DONE, cell__is_remote=True), distinct=True
            ),
        )
    }
    assigned = dict(
        committee.committee_members.filter(pk__in=ids, assignments__year=year)
        .values("pk")
        .annotate(n=Count("assignments"))
        .values_list("pk", "n")
    )
    empty = dict.fromkeys(
        ("planned", "awaiting", "done", "missed", "rescheduled", "late", "remote_done"), 0
    )
    labels = {value: str(label) for value, label in Position.choices}
    return [
        MemberRow(
            committee_member=m,
            required=minimums.get(m.position, 0),
            assigned=assigned.get(m.pk, 0),
            position_label=labels.get(m.position, m.position),
            **agg.get(m.pk, empty),
        )
        for m in members
    ]


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
    cells = defaultdict(lambda: [0, 0])
    for path, remote in residence_cells(root).values_list("path", "is_remote"):
        slot = cells[path[:plen]]
        slot[0] += 1
        slot[1] += 1 if remote else 0
    done = defaultdict(lambda: [0, set(), set()])
    for path, cell_id, remote in Visit.objects.filter(
        cell__path__startswith=root.path,
        state=Visit.State.DONE,
        planned_on__range=(start, end),
    ).values_list("cell__path", "cell_id", "cell__is_remote"):
        slot = done[path[:plen]]
        slot[0] += 1
        slot[1].add(cell_id)
        if remote:
            slot[2].add(cell_id)
    rows = []
    for unit in units:
        n, r = cells.get(unit.path, (0, 0))
        if not n:
            continue
        d = done.get(unit.path, (0, set(), set()))
        rows.append(UnitRow(unit, n, r, d[0], len(d[1]), len(d[2])))
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
