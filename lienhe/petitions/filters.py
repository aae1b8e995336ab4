import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.orgs.filters import ScopedFilterSet, subtree_filter
from lienhe.orgs.widgets import FastSelect

from .models import Agency, Category, Petition

STATE_CHOICES = [
    ("open", _("Chưa xong (mới, đang chờ, mở lại)")),
    ("waiting", _("Đang chờ cơ quan trả lời")),
    *Petition.State.choices,
]


class PetitionFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm (nội dung, địa điểm, số)"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("ví dụ: duong xuong cap"), "type": "search"}
        ),
    )
    org = subtree_filter(max_depth=3)  # the view's org_choices: depth <= 3
    state = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=STATE_CHOICES,
        method="filter_state",
        empty_label=_("Mọi trạng thái"),
        widget=FastSelect,
    )
    # The <select>s are rendered in Python (FastSelect): the category and agency
    # options come from one values_list query each, not a model iterator on a
    # server-side cursor (DECLARE/FETCH/CLOSE), and no template per <option> (issue 21).
    category = django_filters.ModelChoiceFilter(
        label=_("Lĩnh vực"),
        queryset=Category.objects.all(),
        empty_label=_("Mọi lĩnh vực"),
        widget=FastSelect,
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Cơ quan giải quyết"),
        queryset=Agency.objects.all(),
        empty_label=_("Mọi cơ quan"),
        widget=FastSelect,
    )
    source_type = django_filters.ChoiceFilter(
        label=_("Nguồn"),
        choices=Petition.Source.choices,
        empty_label=_("Mọi nguồn"),
        widget=FastSelect,
    )
    priority = django_filters.ChoiceFilter(
        label=_("Mức độ"),
        choices=Petition.Priority.choices,
        empty_label=_("Mọi mức độ"),
        widget=FastSelect,
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Hạn trả lời"),
        choices=[("1", _("Đã quá hạn")), ("late", _("Trả lời muộn"))],
        method="filter_overdue",
        empty_label=_("Tất cả"),
        widget=FastSelect,
    )
    received_from = django_filters.DateFilter(
        label=_("Tiếp nhận từ ngày"),
        field_name="received_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    received_to = django_filters.DateFilter(
        label=_("đến ngày"),
        field_name="received_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    class Meta:
        model = Petition
        fields = ["q", "org", "state", "category", "agency", "source_type", "priority", "overdue"]

    def filter_state(self, qs, name, value):
        if value == "open":
            return qs.filter(state__in=Petition.OPEN_STATES)
        if value == "waiting":
            return qs.filter(state__in=Petition.WAITING_STATES)
        return qs.filter(state=value) if value else qs

    def filter_overdue(self, qs, name, value):
        if value == "1":
            return qs.overdue(timezone.localdate())
        if value == "late":
            return qs.filter(answered_late=True)
        return qs
