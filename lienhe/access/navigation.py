"""Navigation entries by permission. Modules register theirs from `<module>/registry.py`
with `lienhe.registry.register(NavItem(...))`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    perm: str | None  # None: every logged-in user; "self": users linked to a member
    order: int
    section: str = ""  # url namespace that marks the item active


NAV: list[NavItem] = [
    NavItem("home", _("Trang chủ"), None, 0, "home"),
]


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in NAV):
        NAV.append(item)
        NAV.sort(key=lambda i: i.order)
