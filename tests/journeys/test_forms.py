"""Issue 20 item 7: date errors name the format; jargon is explained; inputs are
phone-sized."""

import pytest
from django import forms
from django.contrib.staticfiles import finders

from lienhe.members.forms import DateInput


class _Form(forms.Form):
    on = forms.DateField(widget=DateInput())


def test_a_wrong_date_says_which_format_is_expected():
    form = _Form({"on": "2026-13-45"})
    assert not form.is_valid()
    assert "dd/mm/yyyy" in form.errors["on"][0]
    assert _Form({"on": "05/11/2026"}).is_valid()
    assert 'placeholder="dd/mm/yyyy"' in str(_Form()["on"])


def test_checkboxes_radios_and_inputs_are_phone_sized():
    css = open(finders.find("lienhe/app.css"), encoding="utf-8").read()
    assert (
        "input[type=checkbox], input[type=radio] { width: 24px; height: 24px; margin: 10px;" in css
    )
    assert "font-family: inherit" in css


@pytest.mark.django_db
def test_jargon_is_explained_in_the_meeting_report(cast, login):
    body = login(cast.users["province_staff"]).get("/sinh-hoat/bao-cao/").content.decode()
    assert "ĐVĐCT: đảng viên đang công tác" in body
