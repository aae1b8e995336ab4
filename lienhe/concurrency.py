"""Optimistic concurrency, one way for every services module: lock the row
(`SELECT … FOR UPDATE` inside the caller's transaction) and refuse when the version the
user saw is not the current one, so two people editing the same record never lose an
update silently. The caller passes its own typed error (`StaleEdit(_("…"))`), so the
message names the record in Vietnamese. `apply_changes` is the edit step that follows:
set what differs and say what changed (the audit row's data)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model, QuerySet


def check_version(obj: Model, expected_version: int | None, stale: Exception) -> None:
    """Raise `stale` when `expected_version` is given and differs from `obj.version`."""
    if expected_version is not None and obj.version != expected_version:
        raise stale


def lock_checked[M: Model](
    queryset: QuerySet[M],
    pk,
    expected_version: int | None,
    stale: Exception,
    *,
    of_self: bool = False,
) -> M:
    """The row `pk` of `queryset` locked for update, after `check_version`.
    `of_self=True` locks only the model's own table when the queryset joins others
    (select_related across a nullable relation cannot be locked on PostgreSQL)."""
    locking = queryset.select_for_update(of=("self",)) if of_self else queryset.select_for_update()
    current = locking.get(pk=pk)
    check_version(current, expected_version, stale)
    return current


def apply_changes(
    obj: Model, fields: Mapping[str, Any], *, skip_none: bool = False
) -> dict[str, list[str]]:
    """Set on `obj` each of `fields` whose value differs and return what changed as
    `{name: [old, new]}` in text (the audit row's data; empty: nothing to save).
    `skip_none`: a None value means "leave as it is"."""
    changed: dict[str, list[str]] = {}
    for name, value in fields.items():
        if skip_none and value is None:
            continue
        old = getattr(obj, name)
        if old != value:
            changed[name] = [str(old), str(value)]
            setattr(obj, name, value)
    return changed
