from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe.members.forms import DateInput
from lienhe.orgs.models import Organization

from .models import RESIDENCE_EXEMPTION_GROUPS, Introduction, LocalTask


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        size = getattr(obj, "size", None)
        return obj.name if size is None else f"{obj.name} ({size} người)"


def _date_errors(message) -> dict:
    """The same message for a date left empty or not in dd/mm/yyyy."""
    return {"invalid": message, "required": message}


class IssueDateForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Ngày cấp giấy"),
        widget=DateInput(),
        error_messages=_date_errors(_("Ngày cấp không hợp lệ (dd/mm/yyyy).")),
    )


class HandinForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    handed_in_on = forms.DateField(
        label=_("Ngày đảng viên nộp giấy"),
        widget=DateInput(),
        error_messages=_date_errors(_("Ngày nộp giấy không hợp lệ (dd/mm/yyyy).")),
    )


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    handed_in_on = forms.DateField(
        label=_("Ngày đảng viên nộp giấy"), widget=DateInput(), required=False
    )
    cell = OrgChoiceField(label=_("Chi bộ tiếp nhận"), queryset=Organization.objects.none())
    group = OrgChoiceField(
        label=_("Xếp vào tổ"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— chưa xếp tổ —"),
    )

    def __init__(self, *args, cells=None, groups=None, need_date=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells if cells is not None else Organization.objects.none()
        self.fields["group"].queryset = (
            groups if groups is not None else Organization.objects.none()
        )
        if need_date:
            self.fields["handed_in_on"].required = True
        else:
            del self.fields["handed_in_on"]


class GroupForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    group = OrgChoiceField(
        label=_("Tổ"), queryset=Organization.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = (
            groups if groups is not None else Organization.objects.none()
        )


class NewGroupForm(forms.Form):
    name = forms.CharField(
        label=_("Tên tổ mới"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: Tổ 1 — đảng viên đang công tác")}),
    )


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.ChoiceField(
        label=_("Lý do kết thúc"), choices=[("", "—")] + list(Introduction.ClosedReason.choices)
    )
    closed_on = forms.DateField(label=_("Ngày kết thúc"), widget=DateInput())
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)


class ExemptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    group = forms.ChoiceField(
        label=_("Nhóm được miễn (Hướng dẫn 33-HD/BTCTW mục 1.1)"),
        choices=[(g.value, g.label) for g in RESIDENCE_EXEMPTION_GROUPS],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Ghi chú (nếu có)"), max_length=255, required=False)
    on = forms.DateField(label=_("Miễn từ ngày"), widget=DateInput())


class ExemptIntroductionForm(forms.Form):
    residence_org = OrgChoiceField(
        label=_("Nơi cư trú"), queryset=Organization.objects.none(), required=True
    )
    reason = forms.CharField(label=_("Lý do miễn giới thiệu"), max_length=255)
    on = forms.DateField(label=_("Miễn từ ngày"), widget=DateInput())

    def __init__(self, *args, residences=None, **kwargs):
        super().__init__(*args, **kwargs)
        if residences is not None:
            self.fields["residence_org"].queryset = residences


class ChangeResidenceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    residence_org = OrgChoiceField(label=_("Nơi cư trú mới"), queryset=Organization.objects.none())
    issue = forms.BooleanField(
        label=_("Cấp giấy giới thiệu mới ngay"), required=False, initial=True
    )

    def __init__(self, *args, residences=None, **kwargs):
        super().__init__(*args, **kwargs)
        if residences is not None:
            self.fields["residence_org"].queryset = residences


class TaskForm(forms.ModelForm):
    class Meta:
        model = LocalTask
        fields = ["kind", "title", "due_on", "note"]
        widgets = {"due_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class TaskResultForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Kết quả"), choices=LocalTask.Status.choices)
    outcome = forms.CharField(label=_("Kết quả thực hiện"), max_length=255, required=False)
    completed_on = forms.DateField(label=_("Ngày hoàn thành"), widget=DateInput(), required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Nội dung trao đổi"),
        max_length=4000,
        error_messages={"required": _("Hãy nhập nội dung trao đổi.")},
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Viết cho chi bộ bên kia…")}),
    )
    side = forms.ChoiceField(
        label=_("Viết với tư cách"),
        choices=[("workplace", _("Nơi công tác")), ("residence", _("Nơi cư trú"))],
    )
