"""Everything the petitions module plugs into shared pages (`register_all`, called from
`PetitionsConfig.ready`, through `lienhe.registry.register`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry

from . import flags, jobs, panels, periodic, policy


def register_all() -> None:
    registry.register(
        registry.NavItem("petitions:list", _("Kiến nghị"), "petitions:read", 60, "petitions"),
        registry.Panel(60, panels.home_panel, families=("petitions",)),
        registry.Section("petitions", "Kiến nghị, vấn đề bức xúc", 60, periodic.petitions_section),
        registry.RedFlag(
            "petitions",
            _("Kiến nghị"),
            "petitions:read",
            flags.red_flags,
            40,
            families=("petitions",),
        ),
        *policy.POLICY_KEYS,
        registry.DailyJob("petitions.escalate_overdue", jobs.escalate_overdue),
        registry.DailyJob("petitions.remind_due_soon", jobs.remind_due_soon),
    )
