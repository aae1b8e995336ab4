"""What the API app adds to shared pages (`register_all`, called from `ApiConfig.ready`,
through `lienhe.registry.register`): its navigation entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry


def register_all() -> None:
    registry.register(
        registry.NavItem("members:import", _("Nhập, xuất dữ liệu"), "members:write", 85, "import"),
        registry.NavItem("api:tokens", _("Khóa API"), None, 96, "api"),
    )
