from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwayConfig(AppConfig):
    name = "lienhe.away"
    label = "away"
    verbose_name = _("Đảng viên đi làm ăn xa")

    def ready(self) -> None:
        from lienhe.access.navigation import NavItem, register
        from lienhe.members.sections import register_section
        from lienhe.reports.home import register_panel

        from . import jobs, policy  # noqa: F401  (register daily jobs and parameters)
        from .panels import home_panel, member_section

        register(NavItem("away:list", _("Đi làm ăn xa"), "away:read", 60, "away"))
        register(NavItem("away:mine", _("Đảng phí, đi xa của tôi"), "self", 61, "away-mine"))
        register_panel(60, home_panel)
        register_section(60, member_section)
        from . import flags  # noqa: F401  (registers the red flags of the board page)
