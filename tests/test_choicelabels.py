"""lienhe.choicelabels: the cached labels read what Django's own method reads."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from lienhe import choicelabels
from lienhe.meetings.models import Meeting


def _choice_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "choices", None) and field.model is model:
                yield model, field


def test_every_generated_display_method_is_replaced():
    fields = list(_choice_fields())
    assert len(fields) > 20  # the project's statuses, kinds, roles…
    replaced = 0
    for model, field in fields:
        name = f"get_{field.name}_display"
        method = next(k.__dict__[name] for k in model.__mro__ if name in k.__dict__)
        if not isinstance(method, partialmethod):
            continue  # the model's own method: kept
        assert method.func is choicelabels.display, f"{model.__name__}.{field.name}"
        replaced += 1
    assert replaced > 20
    # Installing again finds nothing left to replace.
    assert choicelabels.install() == 0


@pytest.mark.parametrize("language", ["vi", "en"])
def test_labels_equal_djangos_for_every_value(language):
    with translation.override(language):
        for model, field in _choice_fields():
            instance = model()
            for value, _label in field.flatchoices:
                setattr(instance, field.attname, value)
                expected = Model._get_FIELD_display(instance, field)
                got = getattr(instance, f"get_{field.name}_display")()
                assert got == expected and type(got) is type(expected), (model, field, value)
            # A value outside the choices is shown as itself, as Django does.
            setattr(instance, field.attname, "không-có")
            assert getattr(instance, f"get_{field.name}_display")() == "không-có"


def test_label_follows_the_active_language():
    meeting = Meeting(state=Meeting.State.HELD)
    with translation.override("vi"):
        vi = meeting.get_state_display()
    with translation.override("en"):
        en = meeting.get_state_display()
    with translation.override("vi"):
        assert vi == str(Meeting.State.HELD.label)  # the Vietnamese source label
    assert type(vi) is str and type(en) is str


def test_unhashable_value_falls_back_to_django():
    meeting = Meeting()
    meeting.state = ["held"]  # never stored so, but must not raise a new error
    assert meeting.get_state_display() == Model._get_FIELD_display(
        meeting, Meeting._meta.get_field("state")
    )
