"""Tree operations with history, and effective policy lookup."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import apply_changes, lock_checked
from lienhe.summaries import hooks as summary_hooks

from .models import Organization, Policy
from .policy import PARAMETERS

# Sent inside the merge transaction; modules that hold records of a cell move
# them to the survivor (members, letters, future meetings, …).
organization_merged = Signal()  # kwargs: source, target, actor

# Callables (org) -> str | None returning a reason why the subtree cannot be dissolved.
dissolve_blockers: list[Callable[[Organization], str | None]] = []


class OrgError(Exception):
    """A tree operation that the rules forbid; the message is for the user."""


class StaleEdit(OrgError):
    pass


def _relabel(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


@transaction.atomic
def create_organization(*, parent: Organization | None, actor=None, **fields: Any) -> Organization:
    if parent is not None and parent.kind == Organization.Kind.GROUP:
        raise OrgError(_("Không thể tạo tổ chức bên trong một tổ đảng."))
    if (
        parent is not None
        and parent.kind == Organization.Kind.CELL
        and fields.get("kind") != Organization.Kind.GROUP
    ):
        raise OrgError(_("Dưới một chi bộ chỉ có thể lập tổ đảng."))
    if parent is None:
        org = Organization.objects.add_root(create_kwargs=fields)
    else:
        org = Organization.objects.add_child(_relabel(parent), create_kwargs=fields)
    summary_hooks.changed("orgs", [org.pk])  # issue 21
    log_action(
        org,
        "orgs.organization.created",
        actor=actor,
        organization_path=org.path,
        data={"name": org.name, "parent": parent.pk if parent else None},
    )
    return org


@transaction.atomic
def update_organization(
    org: Organization, *, expected_version: int, actor=None, **fields: Any
) -> Organization:
    """Rename / edit attributes. Refuses if someone saved in between (no lost update)."""
    current = lock_checked(
        Organization.objects.all(),
        org.pk,
        expected_version,
        StaleEdit(_("Tổ chức này vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất.")),
    )
    changed = apply_changes(current, fields)
    current.version += 1
    current.save()
    summary_hooks.changed("orgs", [current.pk])  # issue 21
    action = "orgs.organization.renamed" if "name" in changed else "orgs.organization.updated"
    log_action(current, action, actor=actor, organization_path=current.path, data=changed)
    return current


@transaction.atomic
def move_subtree(org: Organization, new_parent: Organization, *, actor=None) -> Organization:
    org = _relabel(org)
    new_parent = _relabel(new_parent)
    if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
        raise OrgError(_("Không thể chuyển một tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."))
    if (
        new_parent.kind in (Organization.Kind.CELL, Organization.Kind.GROUP)
        and org.kind != Organization.Kind.GROUP
    ):
        raise OrgError(_("Chỉ tổ đảng mới có thể đặt dưới một chi bộ."))
    old_parent = Organization.objects.get_parent(org)
    old_path = org.path
    Organization.objects.move(org, new_parent, "last-child")
    moved = _relabel(org)
    # Counters belong to organizations: only the subtree roll-ups of the ancestors left
    # and joined change (and the cached pages of both ancestries).
    summary_hooks.subtree_moved(moved, old_path)
    log_action(
        moved,
        "orgs.organization.moved",
        actor=actor,
        organization_path=moved.path,
        data={"from": old_parent.pk if old_parent else None, "to": new_parent.pk},
    )
    return moved


@transaction.atomic
def merge_cells(source: Organization, target: Organization, *, actor=None) -> Organization:
    """Merge `source` into `target`: records move to the survivor, source is closed."""
    source, target = _relabel(source), _relabel(target)
    if source.pk == target.pk:
        raise OrgError(_("Hãy chọn hai tổ chức khác nhau để hợp nhất."))
    if source.kind != Organization.Kind.CELL or target.kind != Organization.Kind.CELL:
        raise OrgError(_("Chỉ hợp nhất được hai chi bộ."))
    if not target.is_active:
        raise OrgError(_("Chi bộ tiếp nhận đã giải thể."))
    if target.path.startswith(source.path) or source.path.startswith(target.path):
        raise OrgError(
            _("Không thể hợp nhất một chi bộ với tổ chức cấp trên hoặc cấp dưới của nó.")
        )
    # Groups of the merged cell keep existing under the survivor.
    for child in Organization.objects.get_children(source):
        old_path = child.path
        Organization.objects.move(_relabel(child), _relabel(target), "last-child")
        summary_hooks.subtree_moved(_relabel(child), old_path)  # issue 21: roll-ups
    source = _relabel(source)
    organization_merged.send(sender=Organization, source=source, target=target, actor=actor)
    source.is_active = False
    source.merged_into = target
    source.version += 1
    source.save()
    # Receivers moved members, letters, meetings… in bulk: recount both cells.
    summary_hooks.subtree_changed(source)
    summary_hooks.subtree_changed(_relabel(target))
    log_action(
        source,
        "orgs.organization.merged",
        actor=actor,
        organization_path=source.path,
        data={"into": target.pk, "into_name": target.name},
    )
    log_action(
        target,
        "orgs.organization.absorbed",
        actor=actor,
        organization_path=target.path,
        data={"from": source.pk, "from_name": source.name},
    )
    return target


@transaction.atomic
def dissolve(org: Organization, *, actor=None) -> Organization:
    org = _relabel(org)
    for blocker in dissolve_blockers:
        reason = blocker(org)
        if reason:
            raise OrgError(reason)
    Organization.objects.filter(path__startswith=org.path).update(is_active=False)
    org.refresh_from_db()
    summary_hooks.subtree_changed(org, families=("orgs",))  # issue 21
    log_action(org, "orgs.organization.dissolved", actor=actor, organization_path=org.path)
    return org


class PolicyTable:
    """Policy rows loaded once, read with the one rule of inheritance: for the
    organization at `path`, the deepest ancestor (itself included) holding a row of
    `key` in force on `on` gives its latest such row; else the registry default.
    `effective_policy`, the policy page and the red-flag collectors all read through it.
    """

    def __init__(self, rows: Iterable[Policy]):
        self._rows: dict[tuple[str, str], list[Policy]] = {}
        for row in rows:
            self._rows.setdefault((row.key, row.organization.path), []).append(row)
        for found in self._rows.values():
            found.sort(key=lambda r: (r.effective_from, r.pk), reverse=True)

    def row(self, path: str, key: str, on: dt.date) -> Policy | None:
        for end in range(len(path), 0, -Organization.steplen):
            for row in self._rows.get((key, path[:end]), ()):
                if row.effective_from <= on:
                    return row
        return None

    def value(self, path: str, key: str, on: dt.date | None = None) -> Any:
        if key not in PARAMETERS:
            raise KeyError(key)
        row = self.row(path, key, on or timezone.localdate())
        return row.value if row else PARAMETERS[key].default


# Inside `shared_policy_reads()`: [(root path, table of every key of root's subtree)].
_subtree_tables: ContextVar[list | None] = ContextVar("policy_subtree_tables", default=None)


@contextmanager
def shared_policy_reads():
    """Within the block, a policy table read for a whole subtree (`subtree=True`, every
    key) answers every later `policy_table` of an organization in that subtree: it holds
    all their rows (their ancestors are the root's or inside it). A page whose panels
    read the same regulations (home, red flags) pays one query (issue 21). Read-only
    blocks: a Policy written inside is not seen."""
    if _subtree_tables.get() is not None:
        yield
        return
    token = _subtree_tables.set([])
    try:
        yield
    finally:
        _subtree_tables.reset(token)


def policy_table(
    org: Organization, *, subtree: bool = False, keys: Iterable[str] | None = None
) -> PolicyTable:
    """The Policy rows that can apply to `org` (its ancestors; with `subtree=True` also
    every organization below it), in one query (none inside `shared_policy_reads` when
    a subtree above `org` was read)."""
    shared = _subtree_tables.get()
    if shared is not None:
        for root_path, table in shared:
            if org.path.startswith(root_path):
                return table
    where = Q(organization__path__in=org.ancestor_paths())
    if subtree:
        where |= Q(organization__path__startswith=org.path)
    rows = Policy.objects.filter(where).select_related("organization")
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    table = PolicyTable(rows)
    if shared is not None and subtree and keys is None:
        shared.append((org.path, table))
    return table


def effective_policy(org: Organization, key: str, on: dt.date | None = None) -> Any:
    """Value of `key` for `org` on date `on` (default today), by the one rule of
    `PolicyTable`. One query."""
    if key not in PARAMETERS:
        raise KeyError(key)
    return policy_table(org, keys=[key]).value(org.path, key, on)


def effective_policies(org: Organization, on: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """All parameters for `org` with where each value comes from (for the policy page)."""
    on = on or timezone.localdate()
    table = policy_table(org)
    result = {}
    for key, param in PARAMETERS.items():
        row = table.row(org.path, key, on)
        result[key] = {
            "parameter": param,
            "value": row.value if row else param.default,
            "set_at": row.organization if row else None,
            "effective_from": row.effective_from if row else None,
            "source": (row.source if row and row.source else param.source),
        }
    return result


@transaction.atomic
def set_policy(
    org: Organization,
    key: str,
    value: Any,
    effective_from: dt.date,
    *,
    source: str = "",
    actor=None,
) -> Policy:
    if key not in PARAMETERS:
        raise OrgError(_("Tham số không tồn tại."))
    default = PARAMETERS[key].default
    if isinstance(default, int) and (not isinstance(value, int) or value < 0):
        raise OrgError(_("Giá trị phải là số nguyên không âm."))
    row, _created = Policy.objects.update_or_create(
        organization=org,
        key=key,
        effective_from=effective_from,
        defaults={"value": value, "source": source, "created_by": actor},
    )
    log_action(
        row,
        "orgs.policy.set",
        actor=actor,
        organization_path=org.path,
        data={"key": key, "value": value, "from": effective_from.isoformat()},
    )
    return row


def apply_preset(
    org: Organization, preset_key: str, effective_from: dt.date, *, actor=None
) -> list[Policy]:
    """Set every value of a named province preset (e.g. "Sơn La — Quy định 1120-QĐ/TU")
    at `org` from `effective_from`, each row citing the preset's source."""
    from .policy import PRESETS

    preset = PRESETS.get(preset_key)
    if preset is None:
        raise OrgError(_("Bộ quy định không tồn tại."))
    return [
        set_policy(org, key, value, effective_from, source=preset.source, actor=actor)
        for key, value in preset.values.items()
    ]
