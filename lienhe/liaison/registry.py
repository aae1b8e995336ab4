"""Everything the liaison module plugs into the rest of the system (`register_all`,
called from `LiaisonConfig.ready`, through `lienhe.registry.register`): navigation,
home panel, member section, periodic-report section, red flags, "today" items, policy
keys, daily job; and the member window read by `access.scoping`."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .selectors import introduced_members  # noqa: F401  (re-exported for apps.ready)

WINDOW_STATES = ("issued", "handed_in", "active", "exempt")


def liaison_card_window(user) -> Q:
    """A residence-side officer sees the liaison card of members introduced to an
    organization in their subtree (letters incoming, handed in or active)."""
    from lienhe.access.scoping import ids_in, in_subtrees, paths_with

    from .models import Introduction

    paths = paths_with(user, "liaison:read")
    if not paths:
        return Q(pk__in=[])
    letters = Introduction.objects.filter(
        in_subtrees(paths, "residence_org"), state__in=WINDOW_STATES
    ).values("member_id")
    return ids_in(paths, "pk", letters)


def register_all() -> None:
    from lienhe import registry

    from . import flags, jobs, periodic, policy, sections, today
    from .models import Introduction, LocalTask, ThreadMessage
    from .services_groups import TASKS_FAMILY

    registry.register(
        registry.NavItem("liaison:list", _("Nơi cư trú"), "liaison:read", 30, "liaison"),
        registry.Panel(30, home_panel, families=("letters", "transfers")),
        registry.MemberSection(
            40, sections.residence_section, reads=(Introduction, LocalTask, ThreadMessage)
        ),
        registry.Section("liaison", "Giữ mối liên hệ với nơi cư trú", 20, periodic.liaison_section),
        registry.RedFlag(
            "liaison",
            _("Nơi cư trú"),
            "liaison:read",
            flags.red_flags,
            10,
            families=("letters", "transfers"),
        ),
        registry.TodayTasks(20, today.overdue_tasks, families=(TASKS_FAMILY,)),
        registry.TodayTasks(60, today.member_items),
        *policy.POLICY_KEYS,
        registry.DailyJob("liaison.letter_deadlines", jobs.letter_deadlines),
    )


def home_panel(request) -> dict | None:
    """Home: what waits for me on the liaison (incoming, overdue, my own letter)."""
    from django.utils import timezone

    from lienhe.access.scoping import scope_organizations

    from .models import Introduction

    user = request.user
    today = timezone.localdate()
    panel: dict = {"template": "liaison/_home_panel.html", "title": _("Giữ mối liên hệ nơi cư trú")}
    roots = None if user.is_superuser else scope_organizations(user, "liaison:read")
    if roots is None or roots:
        panel.update(staff_counts(roots, today))
        panel["staff"] = True
    if user.member_id and user.member.is_working:
        mine = Introduction.objects.open().filter(member_id=user.member_id).first()
        panel["mine"] = mine
        panel["member"] = True
        if mine is not None and mine.is_live:
            # Tasks the residence cell gave (e.g. a decision of its meeting's minutes).
            panel["tasks"] = list(mine.tasks.filter(status="open").order_by("due_on", "id")[:5])
    if not panel.get("staff") and not panel.get("member"):
        return None
    return panel


def staff_counts(roots: list | None, today) -> dict:
    """The staff figures of the panel from the summaries (issue 21), one query per
    depth of the scope roots. Per root, as `reports.figures.letters_overdue` counts: a
    residence organization counts the letters addressed to its subtree, any other the
    letters of its subtree's members. `incoming`: issued or handed in, addressed to
    the scope, waiting for the residence. `roots`: the scope's top organizations
    (None: the whole country)."""
    from lienhe.orgs.models import Organization
    from lienhe.summaries.services import by_org, totals

    incoming = ("letters.to.issued", "letters.to.handed_in")
    member_keys = ("letters.overdue_members", "letters.handed_in", "letters.active")
    residence_keys = ("letters.to_overdue", "letters.to.handed_in", "letters.to.active")
    if roots is None:  # superuser: the whole country, counted on the members' side
        c = totals(None, [*incoming, *member_keys], today)
        return {
            "incoming": c[incoming[0]] + c[incoming[1]],
            "overdue": c[member_keys[0]],
            "live": c[member_keys[1]] + c[member_keys[2]],
        }
    paths = [org.path for org in roots]
    sides = {org.path: org.side for org in roots}
    c = by_org(paths, {*incoming, *member_keys, *residence_keys}, today)
    out = {"incoming": 0, "overdue": 0, "live": 0}
    for path in paths:
        keys = residence_keys if sides.get(path) == Organization.Side.RESIDENCE else member_keys
        out["incoming"] += c[(path, incoming[0])] + c[(path, incoming[1])]
        out["overdue"] += c[(path, keys[0])]
        out["live"] += c[(path, keys[1])] + c[(path, keys[2])]
    return out
