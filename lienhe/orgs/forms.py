import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdminUnit, Organization
from .policy import PARAMETERS


class OrganizationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "kind",
            "side",
            "admin_unit",
            "address",
            "is_remote",
            "meeting_day",
        ]
        error_messages = {"code": {"unique": _("Mã tổ chức này đã được dùng.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["admin_unit"].queryset = AdminUnit.objects.select_related("parent").order_by(
            "level", "name"
        )
        self.fields["meeting_day"].widget.attrs.update({"min": 1, "max": 31})
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_meeting_day(self):
        day = self.cleaned_data.get("meeting_day")
        if day is not None and not 1 <= day <= 28:
            raise forms.ValidationError(
                _("Ngày sinh hoạt định kỳ phải từ 1 đến 28 (có ở mọi tháng).")
            )
        return day


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label=_("Chuyển về trực thuộc"), queryset=Organization.objects.none()
    )


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Hợp nhất vào chi bộ"), queryset=Organization.objects.none()
    )
    confirm = forms.BooleanField(
        label=_(
            "Tôi hiểu: đảng viên và hồ sơ sẽ chuyển sang chi bộ tiếp nhận; chi bộ này khép lại."
        )
    )


class DissolveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận giải thể tổ chức này và các tổ chức trực thuộc.")
    )


class PolicyForm(forms.Form):
    key = forms.ChoiceField(label=_("Tham số"))
    value = forms.CharField(label=_("Giá trị"))
    effective_from = forms.DateField(
        label=_("Hiệu lực từ ngày"),
        initial=dt.date.today,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    source = forms.CharField(label=_("Căn cứ (số văn bản)"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, p.label) for k, p in PARAMETERS.items()]

    def clean(self):
        data = super().clean()
        key, raw = data.get("key"), data.get("value")
        if key and raw is not None:
            default = PARAMETERS[key].default
            if isinstance(default, int):
                try:
                    data["value"] = int(str(raw).replace(".", "").strip())
                except ValueError:
                    self.add_error("value", _("Tham số này cần một số nguyên."))
            else:
                data["value"] = str(raw).strip()
        return data
