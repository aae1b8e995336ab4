"""Summaries (issue 21): per-organization counters, their refresh on write, the full
rebuild and the nightly check (docs/scaling.md, docs/operations.md).

A *family* ("members", "letters", …) owns the keys that start with its name and a
function `compute(org_ids)` that counts them from the source tables for those
organizations (`None`: every organization) and yields `(organization_id, key, day,
value)`. The same function serves the write hook (a few organizations), the
`rebuild_summaries` command and the nightly check, so the three cannot disagree.

Writers call `lienhe.summaries.hooks.changed(family, org_ids)` in their transaction;
readers call `totals(paths, keys, on=)`: one aggregate over the subtree roll-ups of
the roots of `paths` (`lienhe.summaries.rollups`), a few rows whatever the size of the
subtree."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum

from lienhe.orgs.models import Organization

from . import rollups
from .models import OrgCounter, SubtreeCounter

log = logging.getLogger("lienhe.summaries")

Row = tuple[int, str, dt.date | None, int]
# Organizations refreshed per query batch (keeps `IN (…)` lists short on SQLite).
CHUNK = 500


@dataclass(frozen=True)
class Family:
    name: str
    compute: Callable[[list[int] | None], Iterable[Row]]
    dated: frozenset[str]  # keys stored as changes by day (value on `on` = Σ day ≤ on)


FAMILIES: dict[str, Family] = {}


def family(name: str, *, dated: Iterable[str] = ()):
    """Register `compute(org_ids) -> rows` as the family `name`."""

    def decorator(func):
        FAMILIES[name] = Family(name, func, frozenset(dated))
        return func

    return decorator


def _prefix_q(names: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for name in names:
        q |= Q(key__startswith=f"{name}.")
    return q


def _collect(names: Iterable[str], org_ids: list[int] | None) -> dict[tuple, int]:
    """{(org_id, key, day): value} from the source tables; zero rows dropped."""
    out: dict[tuple, int] = defaultdict(int)
    for name in names:
        for org_id, key, day, value in FAMILIES[name].compute(org_ids):
            out[(org_id, key, day)] += value
    return {k: v for k, v in out.items() if v}


def _write(rows: dict[tuple, int]) -> None:
    OrgCounter.objects.bulk_create(
        [
            OrgCounter(organization_id=org_id, key=key, day=day, value=value)
            for (org_id, key, day), value in rows.items()
        ],
        batch_size=1000,
    )


def refresh(org_ids: Iterable[int | None], families: Iterable[str] | None = None) -> None:
    """Recount `families` (default all) of these organizations from the source tables
    and replace their rows, inside the caller's transaction; add the change (new − old)
    to the subtree roll-ups of each organization and its ancestors (`rollups`); then
    invalidate the cached pages of every subtree that contains them
    (`lienhe.summaries.cache`)."""
    from .cache import bump

    ids = sorted({int(i) for i in org_ids if i})
    if not ids:
        return
    names = list(families or FAMILIES)
    deltas: dict[tuple, int] = defaultdict(int)
    paths: dict[int, str] = {}
    # Inside the writer's transaction (no savepoint: a failure rolls the write back).
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            # Lock the organizations (in id order): a second refresh of the same ones
            # waits for this commit and then counts what it wrote — the old rows read
            # below are then the rows the roll-ups hold.
            locked = Organization.objects.select_for_update().filter(pk__in=chunk)
            paths.update(locked.order_by("pk").values_list("pk", "path"))
            old = OrgCounter.objects.filter(_prefix_q(names), organization_id__in=chunk)
            for org_id, key, day, value in old.values_list(
                "organization_id", "key", "day", "value"
            ).order_by():
                deltas[(org_id, key, day)] -= value
            old.delete()
            rows = _collect(names, chunk)
            _write(rows)
            for k, value in rows.items():
                deltas[k] += value
        rollups.apply(deltas, paths)
        if len(ids) > CHUNK:  # a bulk path: drop every cached page
            bump([""])
        else:
            bump(paths.values(), names)


def rebuild(root: Organization | None = None, families: Iterable[str] | None = None) -> int:
    """Full recount (atomic) of every organization, or of `root`'s subtree. Returns the
    number of counter rows written."""
    from .cache import bump

    names = list(families or FAMILIES)
    with transaction.atomic():
        if root is None:
            OrgCounter.objects.filter(_prefix_q(names)).delete()
            rows = _collect(names, None)
            _write(rows)
            rollups.rebuild(None if set(names) == set(FAMILIES) else names)
            bump([""])
            return len(rows)
        ids = list(
            Organization.objects.filter(path__startswith=root.path).values_list("pk", flat=True)
        )
        refresh(ids, names)
        bump([root.path])
        return OrgCounter.objects.filter(organization_id__in=ids[:CHUNK]).count()


def _stored() -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    for org_id, key, day, value in OrgCounter.objects.values_list(
        "organization_id", "key", "day", "value"
    ).iterator(chunk_size=5000):
        out[(org_id, key, day)] += value
    return {k: v for k, v in out.items() if v}


def _diff(expected: dict, stored: dict, table: str) -> list[dict]:
    return [
        {
            "table": table,
            "organization_id": k[0],
            "key": k[1],
            "day": k[2],
            "stored": v,
            "expected": expected.get(k, 0),
        }
        for k, v in stored.items()
        if expected.get(k, 0) != v
    ] + [
        {
            "table": table,
            "organization_id": k[0],
            "key": k[1],
            "day": k[2],
            "stored": 0,
            "expected": v,
        }
        for k, v in expected.items()
        if k not in stored
    ]


def check(*, repair: bool = True) -> list[dict]:
    """Recount everything and compare with the stored counters and their subtree
    roll-ups. Each mismatch is logged (warning) and, with `repair`, all counters and
    roll-ups are replaced by the recount in one transaction. Returns the mismatches
    (empty when the summaries are right)."""
    expected = _collect(FAMILIES, None)
    mismatches = _diff(expected, _stored(), "org")
    mismatches += _diff(rollups.expected(expected), rollups.stored(), "subtree")
    for m in mismatches[:50]:
        log.warning(
            "summaries mismatch (%(table)s): org %(organization_id)s %(key)s %(day)s "
            "stored %(stored)s expected %(expected)s",
            m,
        )
    if len(mismatches) > 50:
        log.warning("summaries: %s more mismatches not shown", len(mismatches) - 50)
    if mismatches and repair:
        from .cache import bump

        with transaction.atomic():
            OrgCounter.objects.all().delete()
            _write(expected)
            rollups.rebuild(None)
            bump([""])
        log.warning("summaries repaired: %s counters rewritten", len(expected))
    return mismatches


# Inside `shared_reads()`: {(paths, on): {key: total}} read once for every key.
_shared: ContextVar[dict | None] = ContextVar("summaries_shared_reads", default=None)


@contextmanager
def shared_reads():
    """Within the block, `totals` (and `by_org` of one root) over the same subtrees and
    date read every counter of them in ONE query and answer the later calls from it:
    the home page's figures and panels share one read (issue 21); so do their policy
    look-ups (`orgs.services.shared_policy_reads`). Read-only pages."""
    from lienhe.orgs.services import shared_policy_reads

    token = _shared.set({})
    try:
        with shared_policy_reads():
            yield
    finally:
        _shared.reset(token)


def _roots(paths: list[str] | None) -> list[str] | None:
    """The scope roots of `paths`: a path under another one of the list is dropped (its
    subtree is counted by the other's roll-up); None or "" = everything."""
    if paths is None or "" in paths:
        return None
    roots: list[str] = []
    for path in sorted(set(paths)):  # an ancestor sorts before its descendants
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def _subtree_counters(paths: list[str] | None, on: dt.date):
    """The roll-up rows of the scope roots of `paths` (None: of the top-level
    organizations) as of `on`: plain keys carry `PLAIN_DAY`, dated ones their day, so
    "day <= on" is each key's value on `on`. A few rows per key, whatever the size of
    the subtree."""
    roots = _roots(paths)
    qs = SubtreeCounter.objects.filter(day__lte=on)
    if roots is None:
        return qs.filter(organization__depth=1)
    return qs.filter(organization__path__in=roots)


def totals(paths: list[str] | None, keys: Iterable[str], on: dt.date | None = None) -> dict:
    """{key: sum over the organizations under `paths` (None: everywhere)} in one query
    of the roots' roll-ups. Dated keys are summed as of `on` (default today)."""
    from django.utils import timezone

    keys = list(keys)
    on = on or timezone.localdate()
    shared = _shared.get()
    if shared is not None:
        ident = (None if paths is None else tuple(sorted(set(paths))), on)
        if ident not in shared:
            rows = _subtree_counters(paths, on).values("key").annotate(total=Sum("value"))
            shared[ident] = {r["key"]: r["total"] or 0 for r in rows.order_by()}
        return {k: shared[ident].get(k, 0) for k in keys}
    result = dict.fromkeys(keys, 0)
    rows = _subtree_counters(paths, on).filter(key__in=keys)
    for row in rows.values("key").annotate(total=Sum("value")).order_by():
        result[row["key"]] = row["total"] or 0
    return result


def count_floor(user, perm: str, keys: Iterable[str]) -> int | None:
    """Σ of `keys` over the subtrees where `user` holds `perm` (everywhere for a
    superuser): a list's rows of those subtrees, counted by the summaries. An unfiltered
    list showing at least these rows passes it to `paginate(at_least=)`, and a
    province's list then counts no rows (issue 21). None below a province's scope
    (a commune, a cell): its lists stay under the count cap, so asking would only add
    a query."""
    from lienhe.access.scoping import below_province, paths_with

    if getattr(user, "is_superuser", False):
        return sum(totals(None, keys).values())
    paths = paths_with(user, perm)
    if not paths or below_province(paths):
        return None
    return sum(totals(paths, keys).values())


def by_org(paths: list[str], keys: Iterable[str], on: dt.date | None = None) -> dict:
    """{(path, key): total} for each of `paths` separately (one query of their
    roll-ups): for users whose figure depends on the side of each scope root."""
    from django.utils import timezone

    keys = list(keys)
    if len(paths) == 1 and _shared.get() is not None:
        one = totals(paths, keys, on)
        return {(paths[0], k): v for k, v in one.items()}
    on = on or timezone.localdate()
    result: dict = {(p, k): 0 for p in paths for k in keys}
    if "" in paths:
        result.update({("", k): v for k, v in totals(None, keys, on).items()})
    rows = (
        SubtreeCounter.objects.filter(
            organization__path__in=[p for p in paths if p], key__in=keys, day__lte=on
        )
        .values("organization__path", "key")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in rows:
        result[(row["organization__path"], row["key"])] = row["total"] or 0
    return result
