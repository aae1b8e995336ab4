import django_filters
from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.members.models import search_q
from lienhe.orgs.filters import ScopedFilterSet, subtree_filter
from lienhe.orgs.widgets import FastSelect

from .models import Introduction


class LetterFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm (tên, số thẻ, số giấy)"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: tran thi b"), "type": "search"}),
    )
    org = subtree_filter(max_depth=3, label=_("Tổ chức (nơi công tác hoặc nơi cư trú)"))
    state = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=Introduction.State.choices,
        empty_label=_("Mọi trạng thái"),
        widget=FastSelect,  # no template per <option> (issue 21)
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Hạn nộp"),
        choices=[("1", _("Quá hạn chưa nộp")), ("late", _("Nộp chậm"))],
        empty_label=_("Tất cả"),
        method="filter_overdue",
        widget=FastSelect,
    )

    class Meta:
        model = Introduction
        fields = ["q", "org", "state", "overdue"]

    def filter_search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        # A UNION of the two ways a letter matches, not `member OR number LIKE`: the OR
        # made PostgreSQL walk every letter in list order testing both; each arm of the
        # union uses its own index, so the list joins only the letters found. The member
        # search is tested on the letter's copy of the member's folded name (its trigram
        # index), not on the members: a common name matched most of them (issue 21).
        by_member = Introduction.objects.filter(
            search_q(value, name="member_search_name", member="member__")
        )
        by_number = Introduction.objects.filter(number__icontains=value)
        return qs.filter(pk__in=by_member.values("pk").union(by_number.values("pk")))

    def filter_overdue(self, qs, name, value):
        if value == "1":
            return qs.overdue(timezone.localdate())
        if value == "late":
            return qs.filter(handed_in_on__gt=F("due_on"))
        return qs
