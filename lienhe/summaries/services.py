"""Summaries (issue 21): per-organization counters, their refresh on write, the full
rebuild and the nightly check (docs/scaling.md, docs/operations.md).

A *family* ("members", "letters", …) owns the keys that start with its name and a
function `compute(org_ids)` that counts them from the source tables for those
organizations (`None`: every organization) and yields `(organization_id, key, day,
value)`. The same function serves the write hook (a few organizations), the
`rebuild_summaries` command and the nightly check, so the three cannot disagree.

Writers call `lienhe.summaries.hooks.changed(family, org_ids)` in their transaction;
readers call `totals(paths, keys, on=)`: one aggregate over the counters of the
organizations under `paths`."""

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

from .models import OrgCounter

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
    and replace their rows, inside the caller's transaction; then invalidate the cached
    pages of every subtree that contains them (`lienhe.summaries.cache`)."""
    from .cache import bump

    ids = sorted({int(i) for i in org_ids if i})
    if not ids:
        return
    names = list(families or FAMILIES)
    # Inside the writer's transaction (no savepoint: a failure rolls the write back).
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            OrgCounter.objects.filter(_prefix_q(names), organization_id__in=chunk).delete()
            _write(_collect(names, chunk))
        bump(Organization.objects.filter(pk__in=ids[:CHUNK]).values_list("path", flat=True))
        if len(ids) > CHUNK:  # a bulk path: drop every cached page
            bump([""])


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


def check(*, repair: bool = True) -> list[dict]:
    """Recount everything and compare with the stored counters. Each mismatch is logged
    (warning) and, with `repair`, all counters are replaced by the recount in one
    transaction. Returns the mismatches (empty when the summaries are right)."""
    expected = _collect(FAMILIES, None)
    stored = _stored()
    mismatches = [
        {
            "organization_id": k[0],
            "key": k[1],
            "day": k[2],
            "stored": stored.get(k, 0),
            "expected": v,
        }
        for k, v in expected.items()
        if stored.get(k, 0) != v
    ] + [
        {"organization_id": k[0], "key": k[1], "day": k[2], "stored": v, "expected": 0}
        for k, v in stored.items()
        if k not in expected
    ]
    for m in mismatches[:50]:
        log.warning(
            "summaries mismatch: org %(organization_id)s %(key)s %(day)s stored %(stored)s "
            "expected %(expected)s",
            m,
        )
    if len(mismatches) > 50:
        log.warning("summaries: %s more mismatches not shown", len(mismatches) - 50)
    if mismatches and repair:
        from .cache import bump

        with transaction.atomic():
            OrgCounter.objects.all().delete()
            _write(expected)
            bump([""])
        log.warning("summaries repaired: %s counters rewritten", len(expected))
    return mismatches


# Inside `shared_reads()`: {(paths, on): {key: total}} read once for every key.
_shared: ContextVar[dict | None] = ContextVar("summaries_shared_reads", default=None)


@contextmanager
def shared_reads():
    """Within the block, `totals` (and `by_org` of one root) over the same subtrees and
    date read every counter of them in ONE query and answer the later calls from it:
    the home page's figures and panels share one read (issue 21). Read-only pages."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _subtree_counters(paths: list[str] | None, on: dt.date):
    qs = OrgCounter.objects.filter(Q(day__isnull=True) | Q(day__lte=on))
    if paths is not None:
        from lienhe.access.scoping import subtree_q

        qs = qs.filter(subtree_q(paths, "organization__path"))
    return qs


def totals(paths: list[str] | None, keys: Iterable[str], on: dt.date | None = None) -> dict:
    """{key: sum over the organizations under `paths` (None: everywhere)} in one query.
    Dated keys are summed as of `on` (default today)."""
    from django.utils import timezone

    keys = list(keys)
    shared = _shared.get()
    if shared is not None:
        on = on or timezone.localdate()
        ident = (None if paths is None else tuple(sorted(set(paths))), on)
        if ident not in shared:
            # Plain keys have no day, dated ones always one: "no day or up to `on`"
            # is each key's value on `on`.
            rows = _subtree_counters(paths, on).values("key").annotate(total=Sum("value"))
            shared[ident] = {r["key"]: r["total"] or 0 for r in rows.order_by()}
        return {k: shared[ident].get(k, 0) for k in keys}
    dated = set().union(*(f.dated for f in FAMILIES.values()))
    plain = [k for k in keys if k not in dated]
    when = [k for k in keys if k in dated]
    on = on or timezone.localdate()
    qs = OrgCounter.objects.filter(
        Q(key__in=plain, day__isnull=True) | Q(key__in=when, day__lte=on)
    )
    if paths is not None:
        from lienhe.access.scoping import subtree_q

        qs = qs.filter(subtree_q(paths, "organization__path"))
    result = dict.fromkeys(keys, 0)
    for row in qs.values("key").annotate(total=Sum("value")).order_by():
        result[row["key"]] = row["total"] or 0
    return result


def by_org(paths: list[str], keys: Iterable[str], on: dt.date | None = None) -> dict:
    """{(path, key): total} for each of `paths` separately (one query): for users whose
    figure depends on the side of each scope root."""
    from django.db.models import F, Value
    from django.db.models.functions import Substr
    from django.utils import timezone

    keys = list(keys)
    if len(paths) == 1 and _shared.get() is not None:
        one = totals(paths, keys, on)
        return {(paths[0], k): v for k, v in one.items()}
    dated = set().union(*(f.dated for f in FAMILIES.values()))
    on = on or timezone.localdate()
    result: dict = {(p, k): 0 for p in paths for k in keys}
    widths = sorted({len(p) for p in paths})
    from lienhe.access.scoping import subtree_q

    for width in widths:
        level = [p for p in paths if len(p) == width]
        qs = (
            OrgCounter.objects.filter(subtree_q(level, "organization__path"))
            .filter(
                Q(key__in=[k for k in keys if k not in dated], day__isnull=True)
                | Q(key__in=[k for k in keys if k in dated], day__lte=on)
            )
            .annotate(prefix=Substr(F("organization__path"), 1, Value(width)))
            .values("prefix", "key")
            .annotate(total=Sum("value"))
            .order_by()
        )
        for row in qs:
            result[(row["prefix"], row["key"])] = row["total"] or 0
    return result
