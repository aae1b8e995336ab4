"""Home panel "Việc cần làm hôm nay": the per-role items that no module panel shows yet
(audit in docs/reports.md, section "Hôm nay / cảnh báo"). Each item has a count, a
link, and the nearest deadline with its days left; a bounded number of queries (a few
per role, whatever the subtree size).

The items come from the modules (`lienhe.registry.TodayTasks(order, func)` in each
`<module>/registry.py`, the code in `<module>/today.py`); `func(scope)` reads the
`TodayScope` (user, today, the user's cells and workplace roots, each read once) and
returns `item(...)` dicts:

- cell secretary: meetings whose roll call is still pending, overdue local tasks, the
  committee members announced to attend the cell's meetings;
- workplace staff: residence comments received lately, proposals waiting for a
  decision, conflicts to justify, working members often absent at the residence;
- member: my open local tasks at the residence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from operator import itemgetter

from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.scoping import grants, scope_organizations

TODAY_TASKS: list[tuple[int, Callable]] = []
# The families of each provider whose items are cached (`TodayTasks.families`).
CACHED_FAMILIES: dict[Callable, tuple[str, ...]] = {}


def register_tasks(order: int, func: Callable, *, families: tuple[str, ...] | None = None) -> None:
    """Add a module's provider (idempotent). Modules call `lienhe.registry.register(
    TodayTasks(order, func, families))`."""
    if all(f is not func for _, f in TODAY_TASKS):
        TODAY_TASKS.append((order, func))
        TODAY_TASKS.sort(key=lambda entry: entry[0])
    if families is not None:
        CACHED_FAMILIES[func] = tuple(families)


def item(label: str, count: int, url: str, deadline: dt.date | None = None, **extra) -> dict:
    return {"label": label, "count": count, "url": url, "deadline": deadline, **extra}


class TodayScope:
    """What the providers share for one user and day, each read at most once."""

    def __init__(self, user, today: dt.date):
        self.user = user
        self.today = today

    @cached_property
    def cell_paths(self) -> list[str]:
        """The cells where the user is a cell officer (secretary's items)."""
        return sorted({g.path for g in grants(self.user) if g.role == "cell_officer"})

    @cached_property
    def workplace_roots(self) -> list:
        """Workplace-side organizations where the user reads reviews (staff's items)."""
        from lienhe.orgs.models import Organization

        read = scope_organizations(self.user, "reviews:read")
        return [org for org in read if org.side == Organization.Side.WORKPLACE]


def home_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or user.is_superuser:
        return None
    scope = TodayScope(user, timezone.localdate())
    items = [
        entry
        for _order, entry in sorted(
            _cached_items(scope) + _items(scope, live=True), key=itemgetter(0)
        )
    ]
    if not items:
        return None
    return {
        "template": "reports/_today_panel.html",
        "title": _("Việc cần làm hôm nay"),
        "items": items,
    }


def _items(scope: TodayScope, *, live: bool) -> list[tuple[int, dict]]:
    """(order, item) of the providers computed on every view (`live`) or cached."""
    return [
        (order, entry)
        for order, func in TODAY_TASKS
        if (func not in CACHED_FAMILIES) == live
        for entry in func(scope)
    ]


def _cached_items(scope: TodayScope) -> list[tuple[int, dict]]:
    """The cached providers' items, kept per user and day until a write of one of their
    families in the user's scope (`lienhe.summaries.cache`): a cell secretary's home
    no longer counts pending roll calls, overdue tasks and announced visitors on every
    view (half of its 18 ms at 100k; issue 21, session 11)."""
    from lienhe.summaries.cache import cached

    families = sorted({name for names in CACHED_FAMILIES.values() for name in names})
    return cached(
        scope.user,
        f"today-tasks:{scope.today.isoformat()}",
        lambda: _items(scope, live=False),
        families=families,
    )
