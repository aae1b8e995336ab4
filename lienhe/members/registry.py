"""What the members app adds to shared pages (`register_all`, called from
`MembersConfig.ready`, through `lienhe.registry.register`): navigation and its section
of the periodic report."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry

from . import periodic


def register_all() -> None:
    registry.register(
        registry.NavItem("members:list", _("Đảng viên"), "members:read", 20, "members"),
        registry.Section("members", "Đảng viên", 10, periodic.members_section),
    )
