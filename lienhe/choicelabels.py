"""`get_<field>_display()` from a label table built once per field and language
(issue 21).

Django's own `Model._get_FIELD_display` rebuilds `dict(make_hashable(field.flatchoices))`
on every call, and hashing each lazy label translates it: a list of 50 rows showing a
status spent ~3 ms of its 20–30 ms translating every label of every row's choices.
`install()` (from `OrgsConfig.ready`, once every model class exists) replaces the
generated method of each field with choices by `display`, which reads a dict
{value: translated label} cached per field and active language. The result is the
same string Django returns (tests/test_choicelabels.py compares both for every field
of every model, in both languages); a model that defines its own `get_X_display` keeps
it. The table is `lienhe.text.choice_labels`, which list views also call for the
labels of their rows. Choices are fixed at import time in this project (no callable choices that change
at run time), which is what makes the table cacheable."""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.translation import get_language

from lienhe.text import choice_labels

_TABLES: dict[tuple[int, str | None], dict] = {}


def _table(field) -> dict:
    key = (id(field), get_language())
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = choice_labels(field.flatchoices)
    return table


def display(instance, field) -> str:
    """The label of `instance`'s value of `field` in the active language (the value
    itself when it is not among the choices, as Django does)."""
    value = getattr(instance, field.attname)
    try:
        return _table(field).get(value, value)
    except TypeError:  # an unhashable value (a list): Django's own path handles it
        return Model._get_FIELD_display(instance, field)


def _generated(method) -> bool:
    return isinstance(method, partialmethod) and method.func is Model._get_FIELD_display


def install() -> int:
    """Point every generated `get_X_display` at `display`; how many were replaced."""
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not getattr(field, "choices", None) or field.model is not model:
                continue
            name = f"get_{field.name}_display"
            if _generated(model.__dict__.get(name)):
                setattr(model, name, partialmethod(display, field=field))
                replaced += 1
    return replaced
