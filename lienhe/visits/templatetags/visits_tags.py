import datetime as dt

from django import template

register = template.Library()


@register.filter
def add_days(value: dt.date | None, days) -> dt.date | None:
    if not value:
        return value
    return value + dt.timedelta(days=int(days or 0))
