"""Panels on the home page. Modules register a callable (request) -> dict | None that
returns {"title" (gettext), "template", ...context} for the user, or None when not
relevant, from their `registry.py` with `lienhe.registry.register(Panel(order, func))`.

Panels are cached per user, each under the summary families it declares (issue 21,
`lienhe.summaries.cache.cached_pieces`): a comment saved in a cell recounts the
comments panel, not the petitions one. A panel whose figures no summaries hook follows
and that must show a change at once registers with `cache=False` and is computed on
every view (keep it to one cheap query)."""

from collections.abc import Callable

HOME_PANELS: list[tuple[int, Callable]] = []
LIVE_PANELS: set[Callable] = set()
PANEL_FAMILIES: dict[Callable, object] = {}


def register_panel(order: int, func: Callable, *, cache: bool = True, families=None) -> None:
    if all(f is not func for _, f in HOME_PANELS):
        HOME_PANELS.append((order, func))
        HOME_PANELS.sort(key=lambda item: item[0])
    if not cache:
        LIVE_PANELS.add(func)
    PANEL_FAMILIES[func] = families


def panel_name(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def cached_panel_families() -> dict[str, tuple[str, ...] | None]:
    """{panel name: the families its cache follows (None: any write)} of the cacheable
    panels, in order."""
    result = {}
    for _order, func in HOME_PANELS:
        if func in LIVE_PANELS:
            continue
        families = PANEL_FAMILIES.get(func)
        result[panel_name(func)] = families() if callable(families) else families
    return result


def home_panels(request, *, live: bool | None = None, names=None) -> list[dict]:
    """The user's panels in order; `live=False`: only the cacheable ones, `True`: only
    the ones computed on every view; `names`: only those panels (`panel_name`). Each
    panel dict gets its `order` and `name`."""
    panels = []
    for order, func in HOME_PANELS:
        if live is not None and (func in LIVE_PANELS) != live:
            continue
        if names is not None and panel_name(func) not in names:
            continue
        panel = func(request)
        if panel:
            panels.append({**panel, "order": order, "name": panel_name(func)})
    return panels
