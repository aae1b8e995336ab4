from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lienhe.reports"
    label = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        from lienhe.access.navigation import NavItem, register

        register(NavItem("reports:participation", _("Báo cáo"), "reports:read", 80, "reports"))
        from .module_sections import register_module_sections
        from .sections import register_core_sections

        register_core_sections()
        register_module_sections()
        from . import today, today_tasks  # noqa: F401  (register the "today" home panels)
