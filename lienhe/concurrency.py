"""Optimistic concurrency, one way for every services module: lock the row
(`SELECT … FOR UPDATE` inside the caller's transaction) and refuse when the version the
user saw is not the current one, so two people editing the same record never lose an
update silently. The caller passes its own typed error (`StaleEdit(_("…"))`), so the
message names the record in Vietnamese."""

from __future__ import annotations

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
