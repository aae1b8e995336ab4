from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.access.requests import YEAR_MAX, YEAR_MIN
from lienhe.orgs.models import Organization
from lienhe.orgs.widgets import OrgPickerField

from .models import Guest, Meeting, Minutes, RaisedIssue

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
TIME_INPUT = forms.TimeInput(format="%H:%M", attrs={"placeholder": "19:30", "inputmode": "numeric"})


class _WhenMixin(forms.Form):
    date = forms.DateField(label=_("Ngày"), widget=DATE_INPUT)
    time = forms.TimeField(label=_("Giờ"), widget=TIME_INPUT, initial=dt.time(19, 30))

    def planned_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        )


class MeetingForm(_WhenMixin):
    field_order = [
        "organization",
        "kind",
        "title",
        "date",
        "time",
        "place",
        "duration_minutes",
        "groups",
    ]

    organization = forms.ModelChoiceField(
        label=_("Chi bộ"), queryset=Organization.objects.none(), empty_label=_("— Chọn chi bộ —")
    )
    kind = forms.ChoiceField(label=_("Loại buổi sinh hoạt"), choices=Meeting.Kind.choices)
    title = forms.CharField(
        label=_("Chủ đề"),
        required=False,
        max_length=200,
        help_text=_("Bắt buộc với sinh hoạt chuyên đề."),
    )
    place = forms.CharField(label=_("Địa điểm"), required=False, max_length=200)
    duration_minutes = forms.IntegerField(
        label=_("Thời lượng (phút)"), min_value=30, max_value=480, initial=120
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Tổ đảng (đảng viên đang công tác)"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Chỉ dùng cho sinh hoạt với đảng viên đang công tác. Để trống: mời tất cả "
            "đảng viên đang công tác đã giới thiệu về chi bộ."
        ),
    )

    def __init__(self, *args, cells=None, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            cells if cells is not None else Organization.objects.none()
        )
        self.fields["groups"].queryset = (
            groups if groups is not None else Organization.objects.none()
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Meeting.Kind.THEMATIC and not (data.get("title") or "").strip():
            self.add_error("title", _("Buổi sinh hoạt chuyên đề cần có chủ đề."))
        org, groups = data.get("organization"), data.get("groups")
        if org and groups:
            bad = [g.name for g in groups if not g.path.startswith(org.path)]
            if bad:
                self.add_error(
                    "groups", _("Tổ đảng không thuộc chi bộ đã chọn: %s") % ", ".join(bad)
                )
        return data


class EditMeetingForm(_WhenMixin):
    """Title, time, place, length. The time stays editable after the roll call has
    started (issue 20: the meeting began at 20:00, not 19:30)."""

    field_order = ["title", "date", "time", "place", "duration_minutes", "version"]

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Chủ đề"), required=False, max_length=200)
    place = forms.CharField(label=_("Địa điểm"), required=False, max_length=200)
    duration_minutes = forms.IntegerField(label=_("Thời lượng (phút)"), min_value=30, max_value=480)


class MoveForm(_WhenMixin):
    field_order = ["date", "time", "place", "reason", "version"]

    version = forms.IntegerField(widget=forms.HiddenInput)
    place = forms.CharField(label=_("Địa điểm mới (nếu đổi)"), required=False, max_length=200)
    reason = forms.CharField(label=_("Lý do dời lịch"), max_length=255)


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Lý do hủy"), max_length=255, widget=forms.Textarea(attrs={"rows": 3})
    )


class GuestForm(forms.ModelForm):
    class Meta:
        model = Guest
        fields = ["full_name", "position", "organization_name"]
        error_messages = {"full_name": {"required": _("Hãy nhập họ tên đại biểu.")}}


class MinutesForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Minutes
        fields = ["chair", "secretary", "agenda", "content", "opinions", "resolutions"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in ["agenda", "content", "opinions", "resolutions"]
        }


class IssueForm(forms.ModelForm):
    class Meta:
        model = RaisedIssue
        fields = ["summary", "details", "category", "raised_by"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"summary": {"required": _("Hãy nhập nội dung kiến nghị.")}}


class RatingForm(forms.Form):
    checks = forms.MultipleChoiceField(
        label=_("Tiêu chí đạt"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        from .services import CRITERIA

        super().__init__(*args, **kwargs)
        self.fields["checks"].choices = [
            (key, f"{label} ({points} điểm)")
            for _g, _l, items in CRITERIA
            for key, label, points in items
        ]


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    organization = OrgPickerField(
        label=_("Tổ chức"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("Tất cả"),
    )
    kind = forms.ChoiceField(
        label=_("Loại"), choices=[("", "Tất cả")] + Meeting.Kind.choices, required=False
    )
    state = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", "Tất cả")] + Meeting.State.choices, required=False
    )
    year = forms.IntegerField(
        label=_("Năm"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    month = forms.IntegerField(label=_("Tháng"), required=False, min_value=1, max_value=12)
    when = forms.ChoiceField(
        label=_("Thời gian"),
        choices=[("upcoming", "Sắp tới"), ("past", "Đã qua"), ("all", "Tất cả")],
        required=False,
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["organization"].queryset = orgs


class DecisionTaskForm(forms.Form):
    """One decision of the minutes given to one working member (meeting page)."""

    decision = forms.CharField(widget=forms.HiddenInput, max_length=200)
    introduction = forms.ModelChoiceField(
        label=_("Giao cho đồng chí"),
        queryset=None,
        empty_label=_("— chọn đảng viên —"),
        error_messages={"required": _("Hãy chọn đảng viên nhận việc.")},
    )
    due_on = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("Loại việc"), choices=())

    def __init__(self, *args, letters=None, **kwargs):
        from lienhe.liaison.models import LocalTask

        from .decisions import DEFAULT_DUE_DAYS

        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "due_on", timezone.localdate() + dt.timedelta(days=DEFAULT_DUE_DAYS)
        )
        kwargs["initial"].setdefault("kind", LocalTask.Kind.OTHER)
        super().__init__(*args, **kwargs)
        self.fields["introduction"].queryset = letters
        self.fields["introduction"].label_from_instance = lambda intro: intro.member.full_name
        self.fields["kind"].choices = LocalTask.Kind.choices
