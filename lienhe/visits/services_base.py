"""Visits: errors, policy figures (yearly minimum, report due days) and position scopes."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy, policy_table

from .models import (
    QUOTA_KEYS,
    Committee,
    CommitteeMember,
    Position,
    Scope,
    VisitAssignment,
)


def visits_changed(*paths: str, families: tuple[str, ...] = ("visits",)) -> None:
    """Visits have no summary counters, but their flags and home panels are cached per
    subtree under the "visits" family (issue 21): every writer calls this with the
    organizations it touched, inside its transaction (ancestors are bumped too)."""
    from lienhe.summaries import hooks

    hooks.paths_changed([p for p in paths if p], families=families)


class VisitError(Exception):
    """A change the rules forbid; the message is for the user."""


class StaleEdit(VisitError):
    pass


STALE_MESSAGE = (
    "Bản ghi này vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất rồi "
    "sửa lại; những gì bạn vừa nhập vẫn còn trên biểu mẫu."
)


def _out_of_scope(committee_member: CommitteeMember, cell: Organization) -> VisitError:
    """The refusal for a cell outside the position's scope (assignment, planned visit)."""
    return VisitError(
        _("%(cell)s nằm ngoài phạm vi được dự của đồng chí %(name)s (%(scope)s).")
        % {
            "cell": cell.name,
            "name": committee_member.full_name,
            "scope": committee_member.get_scope_display(),
        }
    )


# ---------------------------------------------------------------- policy figures


def yearly_minimum(committee_member: CommitteeMember, year: int) -> int:
    org = committee_member.committee.organization
    key = QUOTA_KEYS[Position(committee_member.position)]
    return int(effective_policy(org, key, dt.date(year, 1, 1)))


def minimums_for(committee: Committee, year: int) -> dict[str, int]:
    """{position: yearly minimum} for a committee: one read of the Policy rows of the
    three keys (the same rule as `effective_policy`, issue 21: was one query each)."""
    on = dt.date(year, 1, 1)
    org = committee.organization
    table = policy_table(org, keys=QUOTA_KEYS.values())
    return {pos: int(table.value(org.path, key, on)) for pos, key in QUOTA_KEYS.items()}


def report_due_days(org: Organization, on: dt.date | None = None) -> int:
    return int(effective_policy(org, "visit_report_due_days", on))


# ---------------------------------------------------------------- scopes


def residence_cells(root: Organization) -> QuerySet[Organization]:
    return Organization.objects.in_subtree(root).filter(
        kind=Organization.Kind.CELL, side=Organization.Side.RESIDENCE, is_active=True
    )


def scope_cells(committee_member: CommitteeMember, year: int) -> QuerySet[Organization]:
    """Cells the committee member may attend in `year`, by position (Quy định 1120):
    standing officers anywhere in the committee's organization, standing-committee
    members in the units they are in charge of, executive members heading a lower
    committee in that unit, the other executive members only their assigned cells."""
    root = committee_member.committee.organization
    cells = residence_cells(root)
    scope = committee_member.scope
    if scope == Scope.WHOLE:
        return cells
    if scope == Scope.UNITS_IN_CHARGE:
        paths = [u.path for u in committee_member.units_in_charge.all()]
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(path__startswith=path)
        return cells.filter(q)
    if scope == Scope.OWN_UNIT:
        return cells.filter(path__startswith=committee_member.heads_unit.path)
    return cells.filter(
        pk__in=VisitAssignment.objects.filter(committee_member=committee_member, year=year).values(
            "cell_id"
        )
    )


def assignable_cells(committee_member: CommitteeMember, year: int) -> QuerySet[Organization]:
    """Cells the organization board may assign: the position's scope, or for members
    with assigned cells only, any residence cell of the committee's organization
    (preferably within the units they are in charge of, when given)."""
    if committee_member.scope != Scope.ASSIGNED:
        return scope_cells(committee_member, year)
    root = committee_member.committee.organization
    cells = residence_cells(root)
    units = list(committee_member.units_in_charge.all())
    if units:
        q = Q(pk__in=[])
        for unit in units:
            q |= Q(path__startswith=unit.path)
        cells = cells.filter(q)
    return cells
