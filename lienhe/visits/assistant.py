"""The assignment assistant: proposes a fair year's plan for a committee.

Rules (Quy định 1120-QĐ/TU, seed 001): every committee member reaches the yearly
minimum of their position; remote-area and weak cells come first; visits are spread
so coverage is wide (a cell gets a second visit only when every other cell in scope
has had one); no cell gets two visitors on the same meeting; visits fall on the
cells' regular meeting days, spread over the months left in the year. The result is
deterministic for the same data (ties broken by tree path and name).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action

from .models import Committee, CommitteeMember, Scope, Visit, VisitAssignment
from .services import VisitError, find_meeting, minimums_for, residence_cells

# Other modules may add weakness signals: callables (cell_ids, year) -> {cell_id: score}
# (e.g. lienhe.petitions: many open petitions). Higher score = weaker = visit sooner.
WEAKNESS_SOURCES: list[Callable[[list[int], int], dict[int, float]]] = []


@dataclass
class CellInfo:
    pk: int
    path: str
    name: str
    is_remote: bool
    meeting_day: int
    weak: float = 0.0


@dataclass
class ProposedVisit:
    committee_member: CommitteeMember
    cell: CellInfo
    planned_on: dt.date
    why: str

    @property
    def key(self) -> str:
        return f"{self.committee_member.pk}:{self.cell.pk}:{self.planned_on.isoformat()}"


@dataclass
class Shortfall:
    committee_member: CommitteeMember
    required: int
    reached: int
    reason: str


@dataclass
class Proposal:
    year: int
    visits: list[ProposedVisit] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    required: dict[int, int] = field(default_factory=dict)
    existing: dict[int, int] = field(default_factory=dict)


def meeting_weakness(cell_ids: list[int], year: int) -> dict[int, float]:
    """From the meetings module: low attendance and poor/average ratings last 12 months."""
    from lienhe.meetings.models import Meeting

    rows = (
        Meeting.objects.filter(
            organization_id__in=cell_ids,
            state=Meeting.State.HELD,
            year__in=[year - 1, year],
        )
        .values("organization_id")
        .annotate(
            held=Count("id", distinct=True),
            low=Count("id", filter=Q(present_count__lt=F("expected_count") * 0.7), distinct=True),
            poor=Count("ratings", filter=Q(ratings__level__in=["poor", "average"]), distinct=True),
        )
    )
    result: dict[int, float] = {}
    for row in rows:
        score = row["poor"] * 1.0 + (row["low"] / row["held"] if row["held"] else 0) * 2
        if score:
            result[row["organization_id"]] = score
    return result


def _load_cells(committee: Committee, year: int) -> list[CellInfo]:
    cells = [
        CellInfo(pk, path, name, remote, day or 5)
        for pk, path, name, remote, day in residence_cells(committee.organization)
        .order_by("path")
        .values_list("pk", "path", "name", "is_remote", "meeting_day")
    ]
    ids = [c.pk for c in cells]
    weakness: dict[int, float] = defaultdict(float)
    if len(ids) < 20000:
        for source in [meeting_weakness, *WEAKNESS_SOURCES]:
            for pk, score in source(ids, year).items():
                weakness[pk] += score
    for cell in cells:
        cell.weak = weakness.get(cell.pk, 0.0)
    return cells


def _date_in(cell: CellInfo, year: int, month: int) -> dt.date:
    return dt.date(year, month, min(cell.meeting_day, calendar.monthrange(year, month)[1]))


def propose(committee: Committee, year: int, *, today: dt.date | None = None) -> Proposal:
    today = today or timezone.localdate()
    proposal = Proposal(year=year)
    members = list(
        committee.committee_members.filter(is_active=True)
        .select_related("heads_unit")
        .prefetch_related("units_in_charge")
        .order_by("position", "search_name", "pk")
    )
    minimums = minimums_for(committee, year)
    cells = _load_cells(committee, year)
    assigned: dict[int, set[int]] = defaultdict(set)
    for cm_id, cell_id in VisitAssignment.objects.filter(
        committee_member__committee=committee, year=year
    ).values_list("committee_member_id", "cell_id"):
        assigned[cm_id].add(cell_id)

    # What is already in the plan or done this year.
    taken: set[tuple[int, dt.date]] = set()
    busy: set[tuple[int, dt.date]] = set()
    coverage: dict[int, int] = defaultdict(int)
    visited_by: dict[int, set[int]] = defaultdict(set)
    existing: dict[int, int] = defaultdict(int)
    for cm_id, cell_id, on in (
        Visit.objects.filter(year=year, cell__path__startswith=committee.organization.path)
        .exclude(state=Visit.State.MISSED)
        .values_list("committee_member_id", "cell_id", "planned_on")
    ):
        taken.add((cell_id, on))
        busy.add((cm_id, on))
        coverage[cell_id] += 1
        visited_by[cm_id].add(cell_id)
        existing[cm_id] += 1

    first = max(dt.date(year, 1, 1), today + dt.timedelta(days=1))
    months = [m for m in range(1, 13) if dt.date(year, m, calendar.monthrange(year, m)[1]) >= first]

    def candidates(cm: CommitteeMember) -> list[CellInfo]:
        scope = cm.scope
        if scope == Scope.WHOLE:
            return cells
        if scope == Scope.OWN_UNIT:
            return [c for c in cells if c.path.startswith(cm.heads_unit.path)]
        unit_paths = [u.path for u in cm.units_in_charge.all()]
        in_units = [c for c in cells if any(c.path.startswith(p) for p in unit_paths)]
        if scope == Scope.UNITS_IN_CHARGE:
            return in_units
        # Assigned cells only: the board's assignments, else the units in charge, else all.
        if assigned[cm.pk]:
            return [c for c in cells if c.pk in assigned[cm.pk]]
        return in_units or cells

    pools = {cm.pk: candidates(cm) for cm in members}
    # Most constrained members first so the wide scopes take what is left.
    members.sort(key=lambda m: (len(pools[m.pk]), m.position, m.search_name, m.pk))
    for order, cm in enumerate(members):
        required = minimums.get(cm.position, 0)
        proposal.required[cm.pk] = required
        proposal.existing[cm.pk] = existing[cm.pk]
        need = max(0, required - existing[cm.pk])
        if not need:
            continue
        pool = pools[cm.pk]
        if not pool:
            reason = {
                Scope.UNITS_IN_CHARGE: _("Chưa được phân công đơn vị phụ trách có chi bộ."),
                Scope.OWN_UNIT: _("Đơn vị mình đứng đầu không có chi bộ khu dân cư."),
            }.get(cm.scope, _("Không có chi bộ khu dân cư nào trong phạm vi."))
            proposal.shortfalls.append(Shortfall(cm, required, existing[cm.pk], reason))
            continue
        if not months:
            proposal.shortfalls.append(
                Shortfall(cm, required, existing[cm.pk], _("Năm %(y)s đã hết.") % {"y": year})
            )
            continue
        # Target months spread evenly over what is left of the year, each member shifted
        # a little so the monthly plans are even too.
        step = max(1, len(months) // need)
        offset = order % step
        targets = [
            months[min(len(months) - 1, j * len(months) // need + offset)] for j in range(need)
        ]
        got = 0
        for month in targets:
            order = [month] + [m for m in months if m != month]
            placed = False
            for m in order:
                best = None
                best_key = None
                for cell in pool:
                    on = _date_in(cell, year, m)
                    if on < first or (cell.pk, on) in taken or (cm.pk, on) in busy:
                        continue
                    key = (
                        cell.pk in visited_by[cm.pk],
                        coverage[cell.pk],
                        not cell.is_remote,
                        -cell.weak,
                        cell.path,
                    )
                    if best_key is None or key < best_key:
                        best, best_key = (cell, on), key
                if best is not None:
                    cell, on = best
                    taken.add((cell.pk, on))
                    busy.add((cm.pk, on))
                    coverage[cell.pk] += 1
                    visited_by[cm.pk].add(cell.pk)
                    why = []
                    if cell.is_remote:
                        why.append(_("vùng sâu, vùng xa"))
                    if cell.weak:
                        why.append(_("chi bộ cần hỗ trợ"))
                    if not why:
                        why.append(_("mở rộng diện bao phủ"))
                    proposal.visits.append(ProposedVisit(cm, cell, on, ", ".join(why)))
                    got += 1
                    placed = True
                    break
            if not placed:
                break
        if got < need:
            proposal.shortfalls.append(
                Shortfall(
                    cm,
                    required,
                    existing[cm.pk] + got,
                    _(
                        "Không đủ buổi sinh hoạt còn trống trong phạm vi (%(n)s chi bộ, "
                        "%(m)s tháng còn lại)."
                    )
                    % {"n": len(pool), "m": len(months)},
                )
            )
    proposal.visits.sort(key=lambda v: (v.planned_on, v.committee_member.search_name))
    return proposal


@transaction.atomic
def apply(
    committee: Committee,
    year: int,
    *,
    keep: set[str] | None = None,
    actor=None,
    today: dt.date | None = None,
) -> int:
    """Recompute the proposal and save it: assignments and planned visits (bulk).
    `keep`: the proposal keys the staff left ticked (None: all). Rules are re-checked
    inside the transaction (a row no longer proposed is not saved); returns the count."""
    today = today or timezone.localdate()
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    proposal = propose(committee, year, today=today)
    if keep is not None:
        proposal.visits = [v for v in proposal.visits if v.key in keep]
    if not proposal.visits:
        raise VisitError(_("Không có lượt dự nào cần bổ sung: mọi đồng chí đã đủ kế hoạch."))
    existing_pairs = set(
        VisitAssignment.objects.filter(
            committee_member__committee=committee, year=year
        ).values_list("committee_member_id", "cell_id")
    )
    new_assignments = []
    for v in proposal.visits:
        pair = (v.committee_member.pk, v.cell.pk)
        if pair not in existing_pairs:
            existing_pairs.add(pair)
            new_assignments.append(
                VisitAssignment(
                    committee_member_id=pair[0], cell_id=pair[1], year=year, created_by=actor
                )
            )
    VisitAssignment.objects.bulk_create(new_assignments)
    visits = [
        Visit(
            committee_member_id=v.committee_member.pk,
            cell_id=v.cell.pk,
            planned_on=v.planned_on,
            year=v.planned_on.year,
            created_by=actor,
        )
        for v in proposal.visits
    ]
    Visit.objects.bulk_create(visits, batch_size=1000)
    _link_meetings(visits)
    log_action(
        committee,
        "visits.plan.applied",
        actor=actor,
        organization_path=committee.organization.path,
        data={"year": year, "visits": len(visits), "assignments": len(new_assignments)},
    )
    return len(visits)


def _link_meetings(visits: list[Visit]) -> None:
    """Attach planned visits to the cells' scheduled meetings on those dates (bulk)."""
    from lienhe.meetings.models import Meeting

    if not visits:
        return
    cell_ids = {v.cell_id for v in visits}
    years = {v.year for v in visits}
    by_day = {}
    for pk, org_id, at in (
        Meeting.objects.filter(organization_id__in=cell_ids, year__in=years)
        .live()
        .values_list("pk", "organization_id", "planned_at")
    ):
        by_day.setdefault((org_id, timezone.localtime(at).date()), pk)
    changed = []
    for v in visits:
        pk = by_day.get((v.cell_id, v.planned_on))
        if pk and v.pk:
            v.meeting_id = pk
            changed.append(v)
    if changed:
        Visit.objects.bulk_update(changed, ["meeting"], batch_size=1000)


__all__ = ["propose", "apply", "Proposal", "WEAKNESS_SOURCES", "find_meeting"]
