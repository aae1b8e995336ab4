"""Everything the visits module plugs into shared pages (`register_all`, called from
`VisitsConfig.ready`, through `lienhe.registry.register`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry

from . import flags, jobs, panels, periodic, policy, today


def register_all() -> None:
    from .models import Committee, CommitteeMember, Visit, VisitAssignment, VisitReport

    registry.register(
        registry.NavItem("visits:mine", _("Dự sinh hoạt"), "visits:read", 60, "visits"),
        registry.Panel(60, panels.home_panel, families=("visits",)),
        registry.MemberSection(
            60,
            panels.member_section,
            reads=(Visit, VisitReport, VisitAssignment, CommitteeMember, Committee),
        ),
        registry.Section("visits", "Cấp ủy viên dự sinh hoạt chi bộ", 40, periodic.visits_section),
        # Visits have no counters; their writers bump the "visits" family
        # (lienhe.visits.services_base.visits_changed) so their flags and panel are
        # kept across the other modules' writes.
        registry.RedFlag(
            "visits", _("Dự sinh hoạt"), "visits:read", flags.red_flags, 30, families=("visits",)
        ),
        registry.TodayTasks(30, today.announced_visitors, families=("visits",)),
        *policy.POLICY_KEYS,
        *policy.PRESETS,
        registry.DailyJob("visits.reminders", jobs.visit_reminders),
    )
