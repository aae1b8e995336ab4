"""`{{ value|report_cell:column }}` formats a toolkit Column value the Vietnamese way."""

from django import template
from django.utils import formats

from lienhe.reports.toolkit import percent_text, ratio

register = template.Library()


@register.filter
def report_cell(value, column) -> str:
    kind = getattr(column, "kind", "text")
    if kind == "percent":
        return percent_text(value)
    if kind == "int":
        if value is None or value == "":
            return "—"
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return "" if value is None else str(value)


@register.filter
def pct(value) -> str:
    """{{ ratio|pct }}: a 0..1 ratio as a truncated Vietnamese percent ("30,52%")."""
    return percent_text(value)


@register.simple_tag
def rate(part, whole) -> str:
    """{% rate a b %}: part/whole as a truncated Vietnamese percent ("30,52%")."""
    return percent_text(ratio(part, whole))
