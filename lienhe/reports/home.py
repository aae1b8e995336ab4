"""Panels on the home page. Modules register a callable (request) -> dict | None that
returns {"title", "template", ...context} for the user, or None when not relevant."""

from collections.abc import Callable

HOME_PANELS: list[tuple[int, Callable]] = []


def register_panel(order: int, func: Callable) -> None:
    if all(f is not func for _, f in HOME_PANELS):
        HOME_PANELS.append((order, func))
        HOME_PANELS.sort(key=lambda item: item[0])


def home_panels(request) -> list[dict]:
    panels = []
    for _order, func in HOME_PANELS:
        panel = func(request)
        if panel:
            panels.append(panel)
    return panels
