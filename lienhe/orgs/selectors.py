"""Read-only queries on the organization tree."""

from __future__ import annotations

from lienhe.text import fold

from .models import Organization

PICK_LIMIT = 20  # suggestions per keystroke in an organization picker


def search_organizations(user, text: str, *, max_depth: int | None = None, limit: int = PICK_LIMIT):
    """Active organizations (not party groups) the user may see whose name contains
    `text` without diacritics, or whose code starts with it; shallow levels first.
    Returns `(rows, more)`: rows are dicts `id`, `name`, `parent` (the parent's name,
    to tell apart the many "Chi bộ thôn 1"), `more` is True when more rows matched."""
    qs = (
        Organization.objects.visible_to(user)
        .filter(is_active=True)
        .exclude(kind=Organization.Kind.GROUP)
    )
    if max_depth is not None:
        qs = qs.filter(depth__lte=max_depth)
    folded = fold(text)
    if folded:
        qs = qs.filter(search_name__contains=folded) | qs.filter(code__istartswith=text.strip())
    found = list(qs.order_by("depth", "path").values("id", "name", "path", "depth")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    step = Organization.steplen
    parent_paths = {r["path"][:-step] for r in found if r["depth"] > 1}
    parents = dict(
        Organization.objects.visible_to(user)
        .filter(path__in=parent_paths)
        .values_list("path", "name")
    )
    rows = [
        {"id": r["id"], "name": r["name"], "parent": parents.get(r["path"][:-step], "")}
        for r in found
    ]
    return rows, more
