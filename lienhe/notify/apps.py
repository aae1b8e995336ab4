from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "lienhe.notify"
    label = "notify"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from lienhe.access.navigation import NavItem, register
        from lienhe.reports.home import register_panel

        from . import views

        register(NavItem("notify:inbox", _("Thông báo"), None, 90, "notify"))
        register_panel(95, views.home_panel, cache=False)  # operators act on it at once
