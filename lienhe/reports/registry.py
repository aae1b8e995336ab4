"""What the reports app adds to shared pages (`register_all`, called from
`ReportsConfig.ready`, through `lienhe.registry.register`): its navigation entry and
the two home panels built from what the modules register (red flags, "today" items)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry

from . import redflags, today, today_tasks


def register_all() -> None:
    registry.register(
        registry.NavItem("reports:participation", _("Báo cáo"), "reports:read", 80, "reports"),
        # The top 10 red flags follow the families of every module's flags.
        registry.Panel(5, today.home_panel, families=redflags.families_of_all),
        # Not cached (issue 21): it shows items across the two trees (a residence
        # meeting's absences to the workplace staff), which the scope version keys do
        # not follow.
        registry.Panel(6, today_tasks.home_panel, cache=False),
    )
