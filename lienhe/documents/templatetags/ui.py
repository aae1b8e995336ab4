"""Small presentation helpers used by every template."""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def days_left(due: dt.date | dt.datetime | None) -> str:
    """'còn 5 ngày' / 'hạn hôm nay' / 'quá hạn 3 ngày', wrapped in a coloured badge."""
    if not due:
        return ""
    if isinstance(due, dt.datetime):
        due = timezone.localtime(due).date()
    return _days_badge((due - timezone.localdate()).days, get_language())


@functools.lru_cache(maxsize=4096)
def _days_badge(delta: int, language: str | None) -> str:
    """The badge of `delta` days in `language` (the active one: part of the key), made
    once: a 50-row list asks for a few dozen different values (issue 21)."""
    if delta > 0:
        css = "badge warn" if delta <= 7 else "badge"
        text = _("còn %(n)s ngày") % {"n": delta}
    elif delta == 0:
        css, text = "badge warn", _("hạn hôm nay")
    else:
        css, text = "badge danger", _("quá hạn %(n)s ngày") % {"n": -delta}
    return format_html('<span class="{}">{}</span>', css, text)


@register.simple_tag
def percent(part, whole, digits: int = 2) -> str:
    """30,52% — Vietnamese decimal comma, truncated by the one rule of
    `lienhe.reports.toolkit.truncate_ratio`; '—' when the base is zero."""
    if not whole or part is None:
        return "—"
    from lienhe.reports.toolkit import percent_text, ratio

    return percent_text(ratio(part, whole, digits), digits)


@register.filter
def vnum(value) -> str:
    """98.377 regardless of template localisation settings."""
    if value is None or value == "":
        return "—"
    return formats.number_format(value, use_l10n=True, force_grouping=True)


@register.filter
def can(user, perm: str) -> bool:
    """{% if user|can:"liaison:read" %}: the user holds `perm` somewhere, so a link to
    a list page guarded by `require_perm(perm)` will not answer 403 (issue 20)."""
    from lienhe.access.scoping import has_perm_anywhere

    return bool(getattr(user, "is_authenticated", False)) and has_perm_anywhere(user, perm)
