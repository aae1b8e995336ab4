"""Red flags of a subtree, ranked across modules (the organization board's "what is
wrong today"). Each module registers one collector from its `registry.py`:

    registry.register(registry.RedFlag(module, label, perm, red_flags, order))

(`lienhe.registry.RedFlag`, e.g. in `lienhe/liaison/registry.py`), where
`red_flags(org, today, limit) -> list[RedFlag]` returns at most `limit` flags for
`org`'s subtree, worst first, with a bounded number of queries (1–3) whatever the
subtree size (path-prefix filters on the indexed `path`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from lienhe.orgs.services import shared_policy_reads
from lienhe.text import fold

# Module key → its label on the board, in the modules' `order`: filled by the modules'
# registrations (`lienhe.registry.RedFlag`), never written here.
MODULE_LABELS: dict[str, Any] = {}
_MODULE_ORDER: dict[str, int] = {}

# A flag whose score reaches this is shown red; below it, amber.
DANGER_SCORE = 30


@dataclass
class RedFlag:
    module: str
    score: int  # higher = worse; comparable across modules (≈ days overdue + weight)
    title: str
    org_name: str
    org_path: str
    url: str
    deadline: dt.date | None = None
    detail: str = ""
    key: str = field(default="", compare=False)  # stable id (module:model:pk) for tests

    @property
    def severity(self) -> str:
        return "danger" if self.score >= DANGER_SCORE else "warn"

    @property
    def module_label(self) -> str:
        return str(MODULE_LABELS.get(self.module, self.module))

    def days(self, today: dt.date) -> int | None:
        """Days left before the deadline (negative = days overdue)."""
        return None if self.deadline is None else (self.deadline - today).days

    def matches(self, folded_query: str) -> bool:
        text = fold(f"{self.title} {self.org_name} {self.detail}")
        return all(word in text for word in folded_query.split())


_FIELDS = tuple(f.name for f in fields(RedFlag))


def pack(flags: Iterable[RedFlag]) -> list[tuple]:
    """Flags as plain tuples for the cache: they pickle and load several times faster
    than dataclass instances (≈ 2 ms for the 1.000 flags of the 100k demo, issue 21)."""
    return [tuple(getattr(f, name) for name in _FIELDS) for f in flags]


def unpack(rows: Iterable[tuple]) -> list[RedFlag]:
    return [RedFlag(*row) for row in rows]


@dataclass(frozen=True)
class Source:
    func: Callable[..., list[RedFlag]]
    module: str
    perm: str
    families: tuple[str, ...] | None = None

    def flags(self, root, today: dt.date, limit: int) -> list[RedFlag]:
        """The module's flags of `root`'s subtree, shared by every user who may read
        them there and kept until a write of the module's families (or
        `LIENHE_PAGE_CACHE_SECONDS`): after a comment is saved, a province's board
        recounts only the comments' flags, not all six modules' (issue 21)."""
        from lienhe.summaries.cache import cached_for_subtree, timeout

        return unpack(
            cached_for_subtree(
                root.path,
                f"redflags:{self.module}",
                {"limit": limit, "today": today},
                lambda: pack(self.func(root, today, limit)),
                families=self.families,
                seconds=timeout(),
            )
        )


RED_FLAG_SOURCES: list[Source] = []


def families_of_all() -> tuple[str, ...] | None:
    """The families whose writes change some module's flags (None: a module follows
    any write): what a piece showing every module's flags must follow."""
    if any(source.families is None for source in RED_FLAG_SOURCES):
        return None
    return tuple(sorted({name for source in RED_FLAG_SOURCES for name in source.families}))


def register_red_flags(
    func: Callable,
    *,
    module: str,
    perm: str,
    label: Any,
    order: int,
    families: Iterable[str] | None = None,
) -> None:
    """Add a module's red-flag function and its label (idempotent: `ready()` may run
    twice in tests). Modules call `lienhe.registry.register(RedFlag(...))`."""
    if all(s.func is not func for s in RED_FLAG_SOURCES):
        names = None if families is None else tuple(families)
        RED_FLAG_SOURCES.append(Source(func, module, perm, names))
    _MODULE_ORDER[module] = order
    MODULE_LABELS[module] = label
    ordered = sorted(MODULE_LABELS.items(), key=lambda kv: (_MODULE_ORDER[kv[0]], kv[0]))
    MODULE_LABELS.clear()
    MODULE_LABELS.update(ordered)


def rank(flags: Iterable[RedFlag]) -> list[RedFlag]:
    """Worst first: score, then the oldest deadline, then the organization path."""
    return sorted(
        flags,
        key=lambda f: (-f.score, f.deadline or dt.date.max, f.org_path, f.title),
    )


def collect(
    roots: list,
    today: dt.date,
    *,
    limit: int,
    modules: Iterable[str] | None = None,
    allowed: Callable[[object, str], bool] | None = None,
) -> list[RedFlag]:
    """Ranked flags of every root's subtree from every (chosen) module. `allowed(org,
    perm)` tells whether the user may read that module there; each source is asked for
    at most `limit` flags per root, so the work is bounded by roots × sources."""
    wanted = set(modules) if modules else None
    flags: list[RedFlag] = []
    seen: set[str] = set()
    with shared_policy_reads():
        _collect(roots, today, limit, wanted, allowed, flags, seen)
    return rank(flags)


def _collect(roots, today, limit, wanted, allowed, flags, seen) -> None:
    for root in roots:
        for source in RED_FLAG_SOURCES:
            if wanted is not None and source.module not in wanted:
                continue
            if allowed is not None and not allowed(root, source.perm):
                continue
            for flag in source.flags(root, today, limit):
                ident = flag.key or f"{flag.module}:{flag.url}:{flag.title}"
                if ident not in seen:
                    seen.add(ident)
                    flags.append(flag)


# ------------------------------------------------------------- shared helpers


def days_overdue_score(deadline: dt.date | None, today: dt.date, weight: int = 0) -> int:
    """Days past the deadline (capped at a year so one old record does not bury the
    rest) plus the module's weight."""
    if deadline is None:
        return weight
    return max(0, min((today - deadline).days, 365)) + weight


def policy_for_paths(root, keys: Iterable[str] | None = None) -> Callable[..., object]:
    """Resolve Policy values for any organization of `root`'s subtree with ONE query:
    returns `value(path, key, on)`, read by the one rule (`orgs.services.PolicyTable`,
    the same as `effective_policy`)."""
    from lienhe.orgs.services import policy_table

    return policy_table(root, subtree=True, keys=keys).value


def policy_at(root, path: str, key: str, on: dt.date):
    """Policy `key` on `on` for the organization at `path` inside `root`'s subtree.
    While `collect` runs (`shared_policy_reads`), the root's rows are read once for
    every module's look-ups."""
    return policy_for_paths(root)(path, key, on)


def policy(org, key: str, on: dt.date):
    return policy_at(org, org.path, key, on)
