from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe.orgs.models import AdminUnit, Organization
from lienhe.text import order_model_choices, vi_order

from .models import Member


class DateInput(forms.DateInput):
    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        )


class MemberForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = [
            "full_name",
            "card_number",
            "birth_date",
            "gender",
            "ethnicity",
            "citizen_id",
            "phone",
            "email",
            "home_address",
            "home_unit",
            "organization",
            "joined_on",
            "official_on",
            "status",
            "is_working",
            "employer",
        ]
        widgets = {
            "birth_date": DateInput(),
            "joined_on": DateInput(),
            "official_on": DateInput(),
        }
        error_messages = {
            "card_number": {"unique": _("Số thẻ này đã có trong hệ thống.")},
            "citizen_id": {"unique": _("Số CCCD này đã có trong hệ thống.")},
        }

    def __init__(self, *args, org_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if org_choices is not None:
            self.fields["organization"].queryset = org_choices
        self.fields["home_unit"].queryset = home_unit_choices()
        order_model_choices(self.fields["home_unit"])
        self.fields["organization"].label_from_instance = lambda o: f"{o.name} ({o.code})"
        for field in self.fields.values():
            field.error_messages.setdefault("required", _("Vui lòng nhập trường này."))
            field.error_messages["required"] = _("Vui lòng nhập trường này.")
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = _("Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy.")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        birth, joined, official = (data.get(k) for k in ("birth_date", "joined_on", "official_on"))
        if birth and joined and (joined.year - birth.year) < 18:
            self.add_error("joined_on", _("Người vào Đảng phải đủ 18 tuổi."))
        if joined and official and official < joined:
            self.add_error("official_on", _("Ngày chính thức không thể trước ngày vào Đảng."))
        if data.get("is_working") and not data.get("employer"):
            self.add_error("employer", _("Đảng viên đang công tác cần ghi rõ cơ quan, đơn vị."))
        return data


def organization_choices_for(user):
    return (
        Organization.objects.visible_to(user)
        .filter(kind__in=[Organization.Kind.CELL, Organization.Kind.BASE], is_active=True)
        .order_by(vi_order("name"), "id")
    )


def home_unit_choices():
    """Communes of the provinces this installation serves (those of the root
    organizations); every commune when no root names its province."""
    communes = AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE).select_related("parent")
    provinces = AdminUnit.objects.filter(organizations__depth=1, level=AdminUnit.Level.PROVINCE)
    if provinces.exists():
        communes = communes.filter(parent__in=provinces)
    return communes.order_by(vi_order("name"))
