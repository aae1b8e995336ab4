"""The one call writers make (issue 21): `changed(family, org_ids)` recounts the
family's counters of those organizations inside the writer's transaction and
invalidates the cached pages of the subtrees containing them.

Same style as `lienhe.members.hooks`: an explicit call by every writer (services,
importer, admin, seed), never a `post_save` signal — bulk writes send none. Families:
"orgs", "members", "letters", "petitions", "away", "comments", "meetings",
"fees", "transfers"
(lienhe/summaries/families.py).
A member's change touches "members" and "letters" (the overdue count only counts
working, active members); callers pass the organizations before AND after a move."""

from __future__ import annotations

from collections.abc import Iterable

MEMBER_FAMILIES = ("members", "letters")


def changed(families: str | Iterable[str], org_ids: Iterable[int | None]) -> None:
    from . import services

    names = [families] if isinstance(families, str) else list(families)
    services.refresh(org_ids, names)


def members_changed(org_ids: Iterable[int | None]) -> None:
    changed(MEMBER_FAMILIES, org_ids)


def subtree_changed(root, families: Iterable[str] | None = None) -> None:
    """Bulk paths (importer, merge, dissolve): recount `families` (default all) of
    every organization under `root`."""
    from . import services

    services.rebuild(root, families)


def paths_changed(paths: Iterable[str], families: Iterable[str] | None = None) -> None:
    """No counter changed but what pages show did: drop the cached pages (of the
    pieces reading `families`; None: every piece)."""
    from .cache import bump

    bump(paths, families)


def subtree_moved(org, old_path: str) -> None:
    """`org` (with its new path) moved from `old_path`, in the move's transaction: its
    subtree's totals leave the old ancestors' roll-ups and join the new ones' (no
    per-organization counter changes); the cached pages of both ancestries drop."""
    from . import rollups

    rollups.move(org.pk, old_path, org.path)
    paths_changed([old_path, org.path])
