"""Everything the away module plugs into shared pages (`register_all`, called from
`AwayConfig.ready`, through `lienhe.registry.register`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry

from . import flags, jobs, panels, periodic, policy


def register_all() -> None:
    registry.register(
        registry.NavItem("away:list", _("Đi làm ăn xa"), "away:read", 60, "away"),
        registry.NavItem("away:mine", _("Đảng phí, đi xa của tôi"), "self", 61, "away-mine"),
        registry.Panel(60, panels.home_panel, families=("away", "transfers", "fees")),
        registry.MemberSection(60, panels.member_section, reads=panels.MEMBER_SECTION_READS),
        registry.Section("away", "Đảng viên đi làm ăn xa, đảng phí", 70, periodic.away_section),
        registry.RedFlag(
            "away",
            _("Đi làm ăn xa"),
            "away:read",
            flags.red_flags,
            50,
            families=("away", "transfers"),
        ),
        *policy.PARAMS,
        registry.DailyJob("away.contacts_overdue", jobs.remind_overdue_contacts),
        registry.DailyJob("away.exemptions", jobs.exemption_job),
        registry.DailyJob("away.transfers_overdue", jobs.transfer_job),
        registry.DailyJob("away.fee_month", jobs.fee_month_job),
    )
