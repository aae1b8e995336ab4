from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "lienhe.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from lienhe.access.navigation import NavItem, register

        register(NavItem("members:import", _("Nhập, xuất dữ liệu"), "members:write", 85, "import"))
        register(NavItem("api:tokens", _("Khóa API"), None, 96, "api"))
