"""What the notify module adds to shared pages (`register_all`, called from
`NotifyConfig.ready`, through `lienhe.registry.register`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry

from . import views


def register_all() -> None:
    registry.register(
        registry.NavItem("notify:inbox", _("Thông báo"), None, 90, "notify"),
        registry.Panel(95, views.home_panel, cache=False),  # operators act on it at once
    )
