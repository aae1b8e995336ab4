"""Everything the visits module plugs into shared pages (`register_all`, called from
`VisitsConfig.ready`, through `lienhe.registry.register`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry

from . import flags, jobs, panels, periodic, policy, today


def register_all() -> None:
    registry.register(
        registry.NavItem("visits:mine", _("Dự sinh hoạt"), "visits:read", 60, "visits"),
        registry.Panel(60, panels.home_panel),
        registry.MemberSection(60, panels.member_section),
        registry.Section("visits", "Cấp ủy viên dự sinh hoạt chi bộ", 40, periodic.visits_section),
        # Visits have no summary family: any write in the subtree recounts their flags.
        registry.RedFlag("visits", _("Dự sinh hoạt"), "visits:read", flags.red_flags, 30),
        registry.TodayTasks(30, today.announced_visitors),
        *policy.POLICY_KEYS,
        *policy.PRESETS,
        registry.DailyJob("visits.reminders", jobs.visit_reminders),
    )
