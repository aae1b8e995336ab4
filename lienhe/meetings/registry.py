"""Everything the meetings module plugs into shared pages (`register_all`, called from
`MeetingsConfig.ready`, through `lienhe.registry.register`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry

from . import flags, jobs, panels, periodic, policy, today


def register_all() -> None:
    from .models import Attendance, Meeting

    registry.register(
        registry.NavItem("meetings:list", _("Sinh hoạt chi bộ"), "meetings:read", 40, "meetings"),
        registry.MemberSection(40, panels.member_section, reads=(Meeting, Attendance)),
        registry.Panel(40, panels.home_panel, families=("meetings",)),
        registry.Section("meetings", "Sinh hoạt chi bộ", 30, periodic.meetings_section),
        registry.RedFlag(
            "meetings",
            _("Sinh hoạt chi bộ"),
            "meetings:read",
            flags.red_flags,
            20,
            families=("meetings",),
        ),
        registry.TodayTasks(10, today.pending_roll_calls, families=("meetings",)),
        registry.TodayTasks(50, today.residence_absences),
        *policy.POLICY_KEYS,
        registry.DailyJob("meetings.schedule", jobs.generate_regular_schedule),
        registry.DailyJob("meetings.invitations", jobs.invitations_and_reminders),
        registry.DailyJob("meetings.not_recorded", jobs.meetings_not_recorded),
        registry.DailyJob("meetings.absences", jobs.repeated_absences),
    )
