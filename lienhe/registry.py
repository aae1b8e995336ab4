"""The one way a module plugs into shared pages (issue 18): typed, frozen items and one
`register(*items)`.

Each module has a `<module>/registry.py` whose `register_all()` (called from its
`AppConfig.ready`) builds its items and passes them to `register`:

    from lienhe import registry

    def register_all() -> None:
        registry.register(
            registry.NavItem("meetings:list", _("Sinh hoạt chi bộ"), "meetings:read", 40, "meetings"),
            registry.Panel(40, panels.home_panel),
            registry.MemberSection(40, panels.member_section),
            registry.Section("meetings", "Sinh hoạt chi bộ", 30, periodic.meetings_section),
            registry.RedFlag("meetings", _("Sinh hoạt chi bộ"), "meetings:read", flags.red_flags),
            registry.PolicyKey("min_regular_meetings_per_year", …),  # source cited beside it
            registry.TodayTasks(20, today.secretary_items),
            registry.DailyJob("meetings.schedule", jobs.generate_regular_schedule),
        )

`register` hands each item to the store its readers already use (home panels, member
page sections, the periodic report, the red-flag board, the Policy parameters, the
navigation, the "today" panel, the daily jobs of `manage.py run_daily`); an item of
any other type raises `TypeError`. The stores stay where their readers are; reports
reads module data only through them. Nothing registers by being imported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lienhe.access import navigation
from lienhe.access.navigation import NavItem
from lienhe.members import sections as member_sections
from lienhe.notify import services as notify_services
from lienhe.orgs import policy
from lienhe.orgs.policy import Parameter as PolicyKey
from lienhe.orgs.policy import Preset
from lienhe.reports import home, periodic, redflags, today_tasks
from lienhe.reports.periodic import PeriodicSection as Section

__all__ = [
    "DailyJob",
    "MemberSection",
    "NavItem",
    "Panel",
    "PolicyKey",
    "Preset",
    "RedFlag",
    "Section",
    "TodayTasks",
    "register",
]


@dataclass(frozen=True)
class Panel:
    """A home panel: `func(request) -> dict | None` returning {"template", "title"
    (gettext), …context}. `cache=False`: computed on every view (`reports.home`).
    `families`: the summary families (`lienhe.summaries.families`, or a callable
    returning them) whose writes change the panel; it is then cached per user across
    the other families' writes. None: any write in the user's scope drops it."""

    order: int
    func: Callable[..., dict | None]
    cache: bool = True
    families: tuple[str, ...] | Callable[[], tuple[str, ...] | None] | None = None


@dataclass(frozen=True)
class MemberSection:
    """A section of a member's page: `func(request, member, full) -> dict | None`
    returning {"template", "title" (gettext), …context}; `reads`: the models whose
    tables it reads (the member page is kept until one is written, lienhe/pagecache.py;
    the tests fail on a table left out)."""

    order: int
    func: Callable[..., dict | None]
    reads: tuple = ()


@dataclass(frozen=True)
class RedFlag:
    """A module's red-flag collector on the organization board: `collect(org, today,
    limit) -> list[lienhe.reports.redflags.RedFlag]`, shown under `label` to users
    holding `perm`; `order` places the module in the board's filter. `families`: the
    summary families (`lienhe.summaries.families`) whose writes change the module's
    flags; the flags of a subtree are then shared and kept across the other modules'
    writes (`lienhe.summaries.cache.cached_for_subtree`). None: any write drops them."""

    module: str
    label: Any
    perm: str
    collect: Callable[..., list]
    order: int = 0
    families: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TodayTasks:
    """Items of the "Việc cần làm hôm nay" panel: `func(scope) -> list[dict]` (see
    `lienhe.reports.today_tasks.item`), listed in `order`. `families`: the summary
    families whose writes in the user's scope change the items (`lienhe.summaries`);
    the items are then kept per user across the other families' writes and must be
    plain values. None: computed on every view (items a write outside the user's
    scope changes, or that hold model instances)."""

    order: int
    func: Callable[..., list[dict]]
    families: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DailyJob:
    """A job of the daily run (`manage.py run_daily`, cron each morning): `func(today)
    -> int`, how many reminders it sent or rows it changed; idempotent (a second run
    the same day does nothing). Jobs run in registration order, under `name` in the
    run's output; a name registered twice keeps its first job."""

    name: str
    func: Callable[..., int]


def _panel(item: Panel) -> None:
    home.register_panel(item.order, item.func, cache=item.cache, families=item.families)


def _member_section(item: MemberSection) -> None:
    member_sections.register_section(item.order, item.func, item.reads)


def _red_flag(item: RedFlag) -> None:
    redflags.register_red_flags(
        item.collect,
        module=item.module,
        perm=item.perm,
        label=item.label,
        order=item.order,
        families=item.families,
    )


def _today(item: TodayTasks) -> None:
    today_tasks.register_tasks(item.order, item.func, families=item.families)


def _daily_job(item: DailyJob) -> None:
    notify_services.register_daily_job(item.name, item.func)


_STORES: dict[type, Callable[[Any], object]] = {
    Panel: _panel,
    MemberSection: _member_section,
    Section: periodic.register_section,
    RedFlag: _red_flag,
    PolicyKey: policy.register,
    Preset: policy.register_preset,
    NavItem: navigation.register,
    TodayTasks: _today,
    DailyJob: _daily_job,
}


def register(*items: object) -> None:
    """Register every item in the store of its type (idempotent: `ready()` may run
    twice in tests). An item of an unknown type raises `TypeError`."""
    for item in items:
        store = _STORES.get(type(item))
        if store is None:
            raise TypeError(
                f"lienhe.registry.register: unknown item type {type(item).__name__} "
                f"(expected one of {', '.join(t.__name__ for t in _STORES)})"
            )
        store(item)
