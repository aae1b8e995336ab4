"""Form widgets for picking organizations."""

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A plain <select> rendered in Python. The template renderer costs about 0.3 ms
    per <option>; a province has thousands of cells, so the organization filter
    would dominate the member list page. A model choice field's options are read with
    one `values_list("pk", "name")` query: only for models shown by their `name`
    (`__str__`), e.g. organizations, petition categories and agencies."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            # Labelled by their name: no model instances, no server-side cursor.
            field = choices.field
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            choices = empty + list(field.queryset.values_list("pk", "name"))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), " selected" if str(v) in selected else "", label) for v, label in choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class NameQuery(str):
    """What a picker submitted without a chosen organization: the typed name."""


class OrgPicker(forms.Widget):
    """Search-as-you-type organization picker (issue 21): a text box and a hidden id,
    never a list of every organization. With JavaScript (`lienhe/app.js`) the text box
    is an ARIA combobox fed by `orgs:pick`, limited to levels up to `max_depth`;
    without it, the typed name is submitted and the field resolves it (one match, or a
    short list of radio buttons when several organizations match)."""

    def __init__(self, attrs=None, max_depth: int | None = None):
        super().__init__(attrs)
        self.max_depth = max_depth
        self.matches: list = []  # set by OrgPickerField when a typed name is ambiguous
        # Set by OrgPickerField when a typed name does not resolve: shown next to the
        # box, since the list pages do not print filter errors.
        self.message = ""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        chosen = next((v.strip() for v in reversed(values) if v and v.strip()), "")
        text = (data.get(f"{name}_ten") or "").strip()
        label = (data.get(f"{name}_nhan") or "").strip()
        # A typed name without a suggestion picked, or a chosen name typed over (no JS);
        # a radio button picked from an ambiguous name has no label and wins.
        if text and (not chosen or (label and text != label)):
            return NameQuery(text)
        return chosen

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_ten" not in data

    def render(self, name, value, attrs=None, renderer=None):
        from django.urls import reverse

        final = self.build_attrs(self.attrs, attrs)
        field_id = final.get("id") or f"id_{name}"
        chosen, text = "", ""
        if isinstance(value, NameQuery):
            text = str(value)
        elif value not in (None, ""):
            pk = getattr(value, "pk", value)
            queryset = getattr(self.choices, "queryset", None)
            name_of = (
                queryset.filter(pk=pk).values_list("name", flat=True).first()
                if queryset is not None and str(pk).isdigit()
                else None
            )
            if name_of is not None:
                chosen, text = str(pk), name_of
        url = reverse("orgs:pick")
        if self.max_depth:
            url += f"?sau={self.max_depth}"
        empty = getattr(getattr(self.choices, "field", None), "empty_label", None) or ""
        radios = format_html_join(
            "",
            '<li><label><input type="radio" name="{}" value="{}"> {}{}</label></li>',
            (
                (name, m.pk, m.name, f" — {m.parent_name}" if m.parent_name else "")
                for m in self.matches
            ),
        )
        return format_html(
            '<div class="org-picker" data-org-picker data-url="{url}">'
            '<input type="search" id="{id}" name="{name}_ten" value="{text}" '
            'autocomplete="off" placeholder="{placeholder}" role="combobox" '
            'aria-autocomplete="list" aria-expanded="false" aria-controls="{id}_goi_y">'
            '<input type="hidden" name="{name}" value="{chosen}" data-org-picker-value>'
            '<input type="hidden" name="{name}_nhan" value="{text_chosen}" data-org-picker-label>'
            '<ul class="org-picker-list" id="{id}_goi_y" role="listbox" hidden></ul>'
            '<p class="org-picker-status visually-hidden" aria-live="polite"></p>'
            "{message}{radios}</div>",
            url=url,
            id=field_id,
            name=name,
            text=text,
            placeholder=empty or "Gõ tên tổ chức",
            chosen=chosen,
            text_chosen=text if chosen else "",
            message=format_html('<p class="error" role="alert">{}</p>', self.message)
            if self.message
            else "",
            radios=format_html('<ul class="org-picker-matches">{}</ul>', radios)
            if self.matches
            else "",
        )


class OrgPickerField(forms.ModelChoiceField):
    """A ModelChoiceField for an OrgPicker: an id is checked against the queryset as
    usual; a typed name is resolved inside the queryset without diacritics."""

    widget = OrgPicker

    def to_python(self, value):
        if not isinstance(value, NameQuery):
            return super().to_python(value)
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        from lienhe.text import fold

        folded = fold(value)
        found = list(
            self.queryset.filter(search_name__contains=folded).order_by("depth", "path")[:11]
        )
        exact = [o for o in found if o.search_name == folded]
        if len(found) == 1 or len(exact) == 1:
            return exact[0] if len(exact) == 1 else found[0]
        if not found:
            self.widget.message = _("Không có tổ chức nào tên “%(q)s” trong phạm vi của bạn.") % {
                "q": value
            }
            raise ValidationError(self.widget.message, code="invalid_choice")
        parents = dict(
            self.queryset.filter(path__in={o.path[: -o.steplen] for o in found}).values_list(
                "path", "name"
            )
        )
        for o in found[:10]:
            o.parent_name = parents.get(o.path[: -o.steplen], "")
        self.widget.matches = found[:10]
        self.widget.message = _("Nhiều tổ chức có tên như “%(q)s”: chọn một tổ chức bên dưới.") % {
            "q": value
        }
        raise ValidationError(self.widget.message, code="invalid_choice")


class OrgPickerFilter(django_filters.ModelChoiceFilter):
    """django-filter's organization filter with the search-as-you-type picker."""

    field_class = OrgPickerField

    def __init__(self, *args, max_depth: int | None = None, **kwargs):
        kwargs.setdefault("widget", OrgPicker(max_depth=max_depth))
        super().__init__(*args, **kwargs)
