"""Subtree roll-ups of the counters (issue 21: the home at 1.000.000 members no slower
than 1,5× at 100.000): `SubtreeCounter` holds, for every organization, the sum of the
`OrgCounter` rows of its whole subtree, so a subtree figure reads the rows of its root
only (docs/scaling.md, "Summaries").

Invariant: SubtreeCounter(a, key, day) = Σ OrgCounter(o, key, day) over the
organizations o whose path starts with a's path. Who keeps it:
- `services.refresh`: the change of each recounted organization's rows (new − old) is
  added to the organization and each of its ancestors (`apply`);
- `move`: a moved subtree's totals leave the ancestors it left and join the new ones;
- `forget`: an organization deleted (admin) takes its rows away from its ancestors;
- `rebuild` (full rebuild) recomputes every roll-up in SQL, one statement per depth;
- `services.check` compares the stored roll-ups with `roll_up` of the recount.

Additions are `INSERT … ON CONFLICT … DO UPDATE SET value = value + excluded.value`
(SQLite ≥ 3.24, PostgreSQL) in (organization, key, day) order: two writers in one
district both land and take the ancestor rows' locks in the same order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Max

from lienhe.orgs.models import Organization

from .models import PLAIN_DAY, OrgCounter, SubtreeCounter

# Rows per INSERT (4 parameters each: below SQLite's oldest variable limit of 999).
BATCH = 240
STEP = Organization.steplen


def _prefixes(path: str, *, strict: bool = False) -> list[str]:
    stop = len(path) - (STEP if strict else 0)
    return [path[:i] for i in range(STEP, stop + 1, STEP)]


def ancestor_ids(paths: Iterable[str], *, strict: bool = False) -> dict[str, int]:
    """{path: id} of the ancestors of `paths` (themselves included unless `strict`)."""
    wanted = sorted({p for path in paths for p in _prefixes(path, strict=strict)})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 2000):
        rows = Organization.objects.filter(path__in=wanted[start : start + 2000])
        found.update(rows.values_list("path", "pk").order_by())
    return found


def roll_up(rows: dict[tuple, int], paths: dict[int, str], ids: dict[str, int]) -> dict:
    """{(ancestor id, key, day): Σ value} of per-organization `rows` {(org id, key,
    day): value}; `paths` {org id: path}, `ids` {path: id} of their ancestors."""
    out: dict[tuple, int] = defaultdict(int)
    for (org_id, key, day), value in rows.items():
        if not value or org_id not in paths:
            continue
        day = PLAIN_DAY if day is None else day
        for prefix in _prefixes(paths[org_id]):
            if prefix in ids:
                out[(ids[prefix], key, day)] += value
    return {k: v for k, v in out.items() if v}


def add(rows: dict[tuple, int]) -> None:
    """Add {(organization id, key, day): delta} to the stored roll-ups, atomically."""
    rows = {k: v for k, v in rows.items() if v}
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(SubtreeCounter._meta.db_table)
    key, day, value = qn("key"), qn("day"), qn("value")
    items = sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2]))
    with connection.cursor() as cursor:
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
            params: list = []
            for (org_id, name, when), delta in batch:
                params += [org_id, name, (when or PLAIN_DAY).isoformat(), delta]
            cursor.execute(
                f"INSERT INTO {table} (organization_id, {key}, {day}, {value}) "
                f"VALUES {values} ON CONFLICT (organization_id, {key}, {day}) "
                f"DO UPDATE SET {value} = {table}.{value} + excluded.{value}",
                params,
            )
    if any(v < 0 for v in rows.values()):  # only a decrease can leave a zero row
        touched = sorted({k[0] for k in rows})
        for start in range(0, len(touched), 2000):
            SubtreeCounter.objects.filter(
                organization_id__in=touched[start : start + 2000], value=0
            ).delete()


def apply(deltas: dict[tuple, int], paths: dict[int, str]) -> None:
    """Add the change of per-organization counters {(org id, key, day): new − old} to
    each organization and its ancestors. `paths` {org id: path} (missing ones read)."""
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    missing = sorted({k[0] for k in deltas} - paths.keys())
    paths = dict(paths)
    for start in range(0, len(missing), 2000):
        rows = Organization.objects.filter(pk__in=missing[start : start + 2000])
        paths.update(rows.values_list("pk", "path").order_by())
    ids = ancestor_ids({paths[k[0]] for k in deltas if k[0] in paths})
    add(roll_up(deltas, paths, ids))


def move(org_id: int, old_path: str, new_path: str) -> None:
    """A subtree moved from `old_path` to `new_path`: its totals (its root's roll-up
    rows, unchanged by the move) leave the old ancestors and join the new ones. The
    moved organizations' own roll-ups are keyed by id and stay right."""
    old = ancestor_ids([old_path], strict=True)
    new = ancestor_ids([new_path], strict=True)
    deltas: dict[tuple, int] = defaultdict(int)
    totals = SubtreeCounter.objects.filter(organization_id=org_id)
    for key, day, value in totals.values_list("key", "day", "value").order_by():
        for ancestor in old.values():
            deltas[(ancestor, key, day)] -= value
        for ancestor in new.values():
            deltas[(ancestor, key, day)] += value
    add(deltas)


def forget(org: Organization) -> None:
    """`org` is being deleted (its counters go with it by CASCADE): take its own rows
    away from its ancestors. A deleted subtree sends this for each organization."""
    rows = OrgCounter.objects.filter(organization_id=org.pk)
    deltas: dict[tuple, int] = defaultdict(int)
    for key, day, value in rows.values_list("key", "day", "value").order_by():
        deltas[(org.pk, key, day)] -= value
    if deltas:
        ids = ancestor_ids([org.path], strict=True)
        add(roll_up(deltas, {org.pk: org.path}, ids))


def stored() -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    rows = SubtreeCounter.objects.values_list("organization_id", "key", "day", "value")
    for org_id, key, day, value in rows.order_by().iterator(chunk_size=5000):
        out[(org_id, key, day)] += value
    return {k: v for k, v in out.items() if v}


def expected(rows: dict[tuple, int]) -> dict[tuple, int]:
    """The roll-ups of the per-organization `rows` of every organization."""
    paths = dict(Organization.objects.values_list("pk", "path").order_by())
    return roll_up(rows, paths, {path: pk for pk, path in paths.items()})


def rebuild(names: list[str] | None) -> int:
    """Replace the roll-ups (of the keys of the families `names`; None: all) by the sums
    of the stored per-organization rows: one INSERT … SELECT per tree depth, joining
    each counter's organization to its ancestor at that depth by path (indexed)."""
    from django.db.models import Q

    stale = SubtreeCounter.objects.all()
    where, params = "", []
    if names is not None:
        where = " AND (" + " OR ".join(["c.k LIKE %s"] * len(names)) + ")"
        params = [f"{name}.%" for name in names]
        q = Q(pk__in=[])
        for name in names:
            q |= Q(key__startswith=f"{name}.")
        stale = stale.filter(q)
    stale.delete()
    qn = connection.ops.quote_name
    table = qn(SubtreeCounter._meta.db_table)
    counters = qn(OrgCounter._meta.db_table)
    orgs = qn(Organization._meta.db_table)
    key, day, value = qn("key"), qn("day"), qn("value")
    depth = Organization.objects.aggregate(n=Max("depth"))["n"] or 0
    written = 0
    with connection.cursor() as cursor:
        for level in range(1, depth + 1):
            cursor.execute(
                f"INSERT INTO {table} (organization_id, {key}, {day}, {value}) "
                "SELECT a.id, c.k, c.d, SUM(c.v) FROM ("
                f"  SELECT organization_id, {key} AS k, COALESCE({day}, %s) AS d, {value} AS v"
                f"  FROM {counters}) c "
                f"JOIN {orgs} o ON o.id = c.organization_id "
                f"JOIN {orgs} a ON a.path = SUBSTR(o.path, 1, {int(level) * STEP}) "
                f"WHERE o.depth >= {int(level)}{where} "
                "GROUP BY a.id, c.k, c.d HAVING SUM(c.v) <> 0",
                [PLAIN_DAY.isoformat(), *params],
            )
            written += max(cursor.rowcount, 0)
    return written
