"""Panels on the home page. Modules register a callable (request) -> dict | None that
returns {"title" (gettext), "template", ...context} for the user, or None when not
relevant, from their `registry.py` with `lienhe.registry.register(Panel(order, func))`.

Panels are cached per user (issue 21, `lienhe.summaries.cache`); a panel whose figures
no summaries hook follows and that must show a change at once registers with
`cache=False` and is computed on every view (keep it to one cheap query)."""

from collections.abc import Callable

HOME_PANELS: list[tuple[int, Callable]] = []
LIVE_PANELS: set[Callable] = set()


def register_panel(order: int, func: Callable, *, cache: bool = True) -> None:
    if all(f is not func for _, f in HOME_PANELS):
        HOME_PANELS.append((order, func))
        HOME_PANELS.sort(key=lambda item: item[0])
    if not cache:
        LIVE_PANELS.add(func)


def home_panels(request, *, live: bool | None = None) -> list[dict]:
    """The user's panels in order; `live=False`: only the cacheable ones, `True`: only
    the ones computed on every view. Each panel dict gets its `order`."""
    panels = []
    for order, func in HOME_PANELS:
        if live is not None and (func in LIVE_PANELS) != live:
            continue
        panel = func(request)
        if panel:
            panels.append({**panel, "order": order})
    return panels
