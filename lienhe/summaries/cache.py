"""Per-user cache of slow page pieces (issue 21): the home panels and the red-flag
top 10, kept `LIENHE_PAGE_CACHE_SECONDS` (default 60 s) in the configured cache
(`CACHE_BACKEND`: locmem, db, or Redis with `CACHE_URL=redis://…`).

Invalidation: every summary refresh (`services.refresh`, i.e. every write that goes
through `hooks.changed`) bumps a version key for each ancestor path of the changed
organizations; a user's cache key carries the versions of the subtrees they hold a
role on, so a write anywhere in their scope makes their next view recount. Bulk paths
bump a global generation. Each write also bumps, for the same paths, the version of
the families it changed ("comments", "meetings", …; a write that names none bumps
`ANY`): a piece that declares the families it reads (`cached_for_subtree(...,
families=)`) survives the writes of the others — under a busy morning a comment saved
in a cell no longer recounts the province's letters report. What no hook follows (a policy edit, the clock passing a
deadline, an inbox message) shows after at most the timeout (docs/scaling.md).

Module reports (`cached_for_subtree`) are cached per ORGANIZATION, not per user: the
key is the report, the organization's path, the parameters that change the output,
today's date and the versions of that path (of the families it declares, when it
does) and of the global generation, kept
`LIENHE_REPORT_CACHE_SECONDS` (default 300 s). Callers check access first and cache
only what depends on the organization and the parameters (a rendered fragment or
plain values, never model instances: unpickling those costs more than the queries)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from lienhe.orgs.models import Organization

GENERATION = "summ:gen"
# The family of a write that names none (`hooks.paths_changed`): every reader that
# declares families reads this version too.
ANY = "*"
# Families every subtree piece depends on: its organizations and their members (names,
# moves, who is working) appear in every module's rows.
STRUCTURE = ("orgs", "members")


def _vkey(path: str, family: str | None = None) -> str:
    """The version of `path`'s subtree: of any change (`family` None), or of the
    changes of one family."""
    return f"summ:v:{path}" if family is None else f"summ:v:{family}:{path}"


def _ancestors(path: str) -> list[str]:
    step = Organization.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def bump(paths: Iterable[str], families: Iterable[str] | None = None) -> None:
    """New versions for every ancestor of `paths` ("" = everything), of any change and
    of each of `families` (None: `ANY`), now and again at commit (a page recounted
    between the two from uncommitted data is dropped too)."""
    names = list(families or ()) or [ANY]
    keys: set[str] = set()
    for path in paths:
        if path == "":
            keys.add(GENERATION)
        else:
            # The national root (path "") holds every subtree: its reports too.
            for p in ["", *_ancestors(path)]:
                keys.add(_vkey(p))
                keys.update(_vkey(p, name) for name in names)
    if not keys:
        return

    def write():
        token = uuid.uuid4().hex[:12]
        cache.set_many(dict.fromkeys(keys, token), timeout=None)

    write()
    transaction.on_commit(write)


def timeout() -> int:
    return settings.LIENHE_PAGE_CACHE_SECONDS


def scope_paths(user) -> list[str]:
    from lienhe.access.scoping import grants

    return sorted({g.path for g in grants(user)})


def paths_version_keys(paths: list[str], families: Iterable[str] | None) -> list[str]:
    """The version keys of a piece over the subtrees at `paths`: the generation and any
    change (`families` None), or the generation, the writes naming no family, the
    structure (`STRUCTURE`) and each of `families`."""
    if families is None:
        return [GENERATION, *(_vkey(p) for p in paths)]
    names = sorted({ANY, *STRUCTURE, *families})
    return [GENERATION, *(_vkey(p, name) for p in paths for name in names)]


def user_keys(user, pieces: dict[str, Iterable[str] | None]) -> dict[str, str] | None:
    """The cache key of each piece {name: families} for `user` as of the current
    versions of their scope (one cache read for all); None when not cached (no role:
    their pieces are cheap and only their own)."""
    if not getattr(user, "is_authenticated", False):
        return None
    paths = scope_paths(user)
    if not paths and not user.is_superuser:
        return None
    wanted = {name: paths_version_keys(paths, fams) for name, fams in pieces.items()}
    versions = cache.get_many({k for keys in wanted.values() for k in keys})
    result = {}
    for name, keys in wanted.items():
        token = "|".join(f"{k}={versions.get(k, '0')}" for k in keys)
        digest = hashlib.sha1(token.encode()).hexdigest()[:16]
        result[name] = f"summ:page:{name}:{user.pk}:{digest}"
    return result


def cached(
    user, name: str, compute: Callable[[], object], *, families: Iterable[str] | None = None
):
    """`compute()` once per user and version of `families` (None: of any change) over
    the user's scope, for `timeout()` seconds."""
    return cached_pieces(user, {name: families}, lambda names: {name: compute()})[name]


# A piece computed as "nothing to show" (None) is stored as this, since the cache
# answers None for a miss.
_NOTHING = "summ:nothing"


def cached_pieces(
    user,
    pieces: dict[str, Iterable[str] | None],
    compute: Callable[[list[str]], dict[str, object]],
) -> dict[str, object]:
    """{name: value} of each piece {name: families} for `user`, each kept for
    `timeout()` seconds per version of its families over the user's scope (None: of
    any change): a write of one family recounts only the pieces reading it.
    `compute(names)` returns the missing pieces (None: nothing to show); two cache
    round trips whatever the number of pieces."""
    keys = user_keys(user, pieces) if timeout() > 0 else None
    if keys is None:
        return compute(list(pieces))
    hits = cache.get_many(list(keys.values()))
    values = {name: hits[key] for name, key in keys.items() if key in hits}
    missing = [name for name in pieces if name not in values]
    if missing:
        fresh = compute(missing)
        cache.set_many(
            {keys[name]: _NOTHING if fresh[name] is None else fresh[name] for name in missing},
            timeout(),
        )
        values.update(fresh)
    return {name: None if values[name] == _NOTHING else values[name] for name in pieces}


def report_timeout() -> int:
    return settings.LIENHE_REPORT_CACHE_SECONDS


def version_keys(path: str, families: Iterable[str] | None = None) -> list[str]:
    """The version keys a piece of `path`'s subtree depends on (`paths_version_keys`)."""
    return paths_version_keys([path], families)


def subtree_key(path: str, name: str, params: dict, families: Iterable[str] | None = None) -> str:
    """The cache key of report `name` for the subtree at `path` with `params` (plain
    values), as of today and the current versions of the subtree (of `families` only,
    when given) and of the generation."""
    from django.utils import timezone, translation

    keys = version_keys(path, families)
    versions = cache.get_many(keys)
    raw = "|".join(
        [
            name,
            path,
            repr(sorted((str(k), str(v)) for k, v in params.items())),
            str(timezone.localdate()),  # a report's "today" changes its figures
            translation.get_language() or "",
            *(f"{k}={versions.get(k, '0')}" for k in keys),
        ]
    )
    return f"summ:report:{name}:{hashlib.sha1(raw.encode()).hexdigest()[:20]}"


def cached_for_subtree(
    path: str,
    name: str,
    params: dict,
    compute: Callable[[], object],
    *,
    families: Iterable[str] | None = None,
    seconds: int | None = None,
):
    """`compute()` once per organization subtree, parameters and version for `seconds`
    (default `report_timeout()`), shared by every user who may see that organization.
    `families`: the summary families whose writes change the result (plus `STRUCTURE`
    and writes naming none); None = any write in the subtree. Check access BEFORE
    calling; `compute` must not depend on the user."""
    seconds = report_timeout() if seconds is None else seconds
    if seconds <= 0:
        return compute()
    key = subtree_key(path, name, params, families)
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    cache.set(key, value, seconds)
    return value
