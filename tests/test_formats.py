"""Vietnamese formats: dd/mm/yyyy input, 1.234.567,50 numbers (lienhe/formats/vi)."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.template import Context, Template
from django.utils import formats, translation


class DateForm(forms.Form):
    day = forms.DateField()


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def test_date_input_is_day_first():
    with translation.override("vi"):
        form = DateForm({"day": "05/11/2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2026, 11, 5)
        assert DateForm({"day": "5/11/26"}).is_valid()
        assert DateForm({"day": "2026-11-05"}).is_valid()
        assert not DateForm({"day": "31/02/2026"}).is_valid()


def test_dates_render_day_first():
    with translation.override("vi"):
        assert formats.date_format(dt.date(2026, 11, 5), "SHORT_DATE_FORMAT") == "05/11/2026"


def test_numbers_render_with_dot_groups_and_decimal_comma():
    with translation.override("vi"):
        assert (
            formats.number_format(Decimal("1234567.50"), 2, use_l10n=True, force_grouping=True)
            == "1.234.567,50"
        )
        rendered = Template("{% load ui %}{{ n|vnum }}|{% percent 1 3 %}").render(
            Context({"n": 98377})
        )
        assert rendered == "98.377|33,33%"
