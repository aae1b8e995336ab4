"""The shared pieces of list filters over scoped querysets: the organization filter
(the subtree of the organization picked) and the FilterSet base every list uses."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Organization
from .widgets import OrgPickerFilter


def subtree_filter(*, max_depth: int, label=None) -> OrgPickerFilter:
    """The `org` filter: the subtree of the organization picked, among the view's
    `org_choices` (`max_depth`: the deepest level those choices go to)."""
    return OrgPickerFilter(
        label=label or _("Thuộc tổ chức"),
        queryset=Organization.objects.none(),
        method="filter_subtree",
        empty_label=_("Tất cả tổ chức tôi được xem"),
        max_depth=max_depth,
    )


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet over a scoped queryset: `org_choices=` (what the user may see) feeds
    the `org` filter; `q` uses the queryset's `search`, `org` its `in_subtree`."""

    def __init__(self, *args, org_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if org_choices is not None:
            self.filters["org"].queryset = org_choices

    @property
    def unfiltered(self) -> bool:
        """True when the filters leave the queryset as given: nothing asked, or every
        field left blank. An invalid form is not unfiltered (django-filter then gives
        no rows)."""
        if not self.is_bound:
            return True
        if not self.form.is_valid():
            return False
        return all(value in (None, "", [], ()) for value in self.form.cleaned_data.values())

    def filter_search(self, qs, name, value):
        return qs.search(value)

    def filter_subtree(self, qs, name, value):
        return qs.in_subtree(value) if value else qs
