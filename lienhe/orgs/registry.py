"""What the orgs app adds to shared pages (`register_all`, called from `OrgsConfig.ready`,
through `lienhe.registry.register`): its navigation entry. The Policy parameters are
the modules' own (`<module>/policy.py`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lienhe import registry


def register_all() -> None:
    registry.register(registry.NavItem("orgs:tree", _("Tổ chức đảng"), "orgs:read", 10, "orgs"))
