"""Visits: the committee register (committees, members) and cell assignments."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import apply_changes, lock_checked
from lienhe.orgs.models import Organization

from .models import (
    Committee,
    CommitteeMember,
    Position,
    Scope,
    Visit,
    VisitAssignment,
)
from .services_base import (
    STALE_MESSAGE,
    StaleEdit,
    VisitError,
    _out_of_scope,
    assignable_cells,
    visits_changed,
)

# ---------------------------------------------------------------- register


def _check_member_fields(committee: Committee, fields: dict[str, Any], units: list) -> None:
    root = committee.organization
    position = fields.get("position")
    heads = fields.get("heads_unit")
    if heads is not None:
        if not heads.path.startswith(root.path) or heads.pk == root.pk:
            raise VisitError(_("Đảng bộ cấp dưới phải thuộc %(org)s.") % {"org": root.name})
        if heads.kind == Organization.Kind.CELL:
            raise VisitError(_("Đơn vị đứng đầu phải là một đảng bộ, không phải chi bộ."))
    for unit in units:
        if not unit.path.startswith(root.path):
            raise VisitError(
                _("Đơn vị phụ trách %(unit)s không thuộc %(org)s.")
                % {"unit": unit.name, "org": root.name}
            )
    if position == Position.STANDING_COMMITTEE and not units:
        raise VisitError(
            _("Ủy viên Ban Thường vụ phải được phân công ít nhất một đơn vị phụ trách.")
        )
    if not (fields.get("full_name") or "").strip() and fields.get("member") is None:
        raise VisitError(_("Hãy chọn đảng viên hoặc nhập họ và tên."))


@transaction.atomic
def create_committee(
    *, organization: Organization, name: str, term: str, term_start, term_end, actor=None
) -> Committee:
    if term_end <= term_start:
        raise VisitError(_("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."))
    if organization.kind in (Organization.Kind.CELL, Organization.Kind.GROUP):
        raise VisitError(_("Cấp ủy phải thuộc một đảng bộ (tỉnh, huyện hoặc cơ sở)."))
    committee = Committee.objects.create(
        organization=organization, name=name, term=term, term_start=term_start, term_end=term_end
    )
    log_action(
        committee,
        "visits.committee.created",
        actor=actor,
        organization_path=organization.path,
        data={"name": name, "term": term},
    )
    visits_changed(organization.path)
    return committee


@transaction.atomic
def add_committee_member(
    committee: Committee, *, actor=None, units_in_charge=(), **fields: Any
) -> CommitteeMember:
    units = list(units_in_charge)
    _check_member_fields(committee, fields, units)
    cm = CommitteeMember(committee=committee, **fields)
    cm.save()
    cm.units_in_charge.set(units)
    log_action(
        cm,
        "visits.committee_member.created",
        actor=actor,
        organization_path=committee.organization.path,
        data={"name": cm.full_name, "position": cm.position},
    )
    visits_changed(committee.organization.path)
    return cm


@transaction.atomic
def update_committee_member(
    cm: CommitteeMember,
    *,
    expected_version: int,
    actor=None,
    units_in_charge=(),
    **fields: Any,
) -> CommitteeMember:
    current = lock_checked(
        CommitteeMember.objects.select_related("committee__organization"),
        cm.pk,
        expected_version,
        StaleEdit(_(STALE_MESSAGE)),
    )
    units = list(units_in_charge)
    merged = {
        "position": current.position,
        "heads_unit": current.heads_unit,
        "full_name": current.full_name,
        "member": current.member,
        **fields,
    }
    _check_member_fields(current.committee, merged, units)
    changed = apply_changes(current, fields)
    old_units = set(current.units_in_charge.values_list("pk", flat=True))
    if old_units != {u.pk for u in units}:
        changed["units_in_charge"] = [sorted(old_units), sorted(u.pk for u in units)]
        current.units_in_charge.set(units)
    if not changed:
        return current
    current.version += 1
    current.save()
    log_action(
        current,
        "visits.committee_member.updated",
        actor=actor,
        organization_path=current.committee.organization.path,
        data=changed,
    )
    visits_changed(current.committee.organization.path)
    return current


# ---------------------------------------------------------------- assignments


@transaction.atomic
def add_assignment(
    committee_member: CommitteeMember, cell: Organization, year: int, *, actor=None
) -> VisitAssignment:
    if not assignable_cells(committee_member, year).filter(pk=cell.pk).exists():
        raise _out_of_scope(committee_member, cell)
    assignment, created = VisitAssignment.objects.get_or_create(
        committee_member=committee_member, year=year, cell=cell, defaults={"created_by": actor}
    )
    if not created:
        raise VisitError(
            _("Chi bộ này đã được phân công cho đồng chí trong năm %(y)s.") % {"y": year}
        )
    log_action(
        assignment,
        "visits.assignment.created",
        actor=actor,
        organization_path=cell.path,
        data={"committee_member": committee_member.pk, "cell": cell.pk, "year": year},
    )
    visits_changed(cell.path)
    return assignment


@transaction.atomic
def remove_assignment(assignment: VisitAssignment, *, actor=None) -> None:
    planned = Visit.objects.filter(
        committee_member=assignment.committee_member,
        cell=assignment.cell,
        year=assignment.year,
        state=Visit.State.PLANNED,
    ).exists()
    if planned and assignment.committee_member.scope == Scope.ASSIGNED:
        raise VisitError(
            _("Đồng chí còn lượt dự đã lên kế hoạch tại chi bộ này; hãy đổi lịch trước khi bỏ.")
        )
    log_action(
        assignment,
        "visits.assignment.removed",
        actor=actor,
        organization_path=assignment.cell.path,
        data={"committee_member": assignment.committee_member_id, "cell": assignment.cell_id},
    )
    visits_changed(assignment.cell.path)
    assignment.delete()
