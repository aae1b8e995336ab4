"""lienhe.datefilter: the project's `date` filter prints what Django's prints."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

from lienhe import datefilter

VALUES = [
    dt.date(2026, 1, 5),
    dt.date(999, 12, 31),
    dt.datetime(2026, 11, 5, 7, 3),
    dt.datetime(2026, 12, 31, 23, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC),  # 00:30 on 01/01 in Hà Nội
    None,
    "",
    "không phải ngày",
]
FORMATS = ["d/m/Y", "m/Y", "H:i d/m/Y", "d/m/Y H:i", "H:i", "j F Y", "D d/m", None]


def _outcome(func, value, fmt):
    try:
        return func(value, fmt)
    except Exception as exc:  # a date with an hour format: both refuse it alike
        return type(exc)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_same_output_as_djangos_filter(language):
    with translation.override(language):
        for value in VALUES:
            for fmt in FORMATS:
                local = (
                    timezone.localtime(value)
                    if isinstance(value, dt.datetime) and timezone.is_aware(value)
                    else value
                )
                assert _outcome(datefilter.date, local, fmt) == _outcome(django_date, local, fmt), (
                    value,
                    fmt,
                )


def test_templates_use_it_and_convert_to_local_time():
    template = engines["django"].from_string('{{ at|date:"H:i d/m/Y" }} {{ on|date:"d/m/Y" }}')
    at = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)
    assert template.render({"at": at, "on": dt.date(2026, 2, 1)}) == "00:30 01/01/2027 01/02/2026"
    assert engines["django"].engine.template_builtins[-1].filters["date"] is datefilter.date
