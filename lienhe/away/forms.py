from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.access.requests import YEAR_MAX, YEAR_MIN
from lienhe.members.forms import DateInput
from lienhe.orgs.filters import ScopedFilterSet, subtree_filter
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.text import order_model_choices, vi_order

from .models import AWAY_FIELDS, AwayPeriod, Contact, Exemption, FeePayment, FeeProfile, Transfer


def _vietnamese_errors(form: forms.Form) -> None:
    for field in form.fields.values():
        field.error_messages["required"] = _("Vui lòng nhập trường này.")
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = _("Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy.")
        if isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = _("Hãy nhập một số nguyên (không dấu chấm).")


class AwayForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AwayPeriod
        fields = list(AWAY_FIELDS)
        widgets = {
            "temp_residence_on": DateInput(),
            "start_on": DateInput(),
            "expected_end_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "family_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }
        help_texts = {
            "destination_country": _("Chỉ ghi khi ra nước ngoài, ví dụ: Hàn Quốc, Nhật Bản."),
            "destination_address": _("Số nhà, khu trọ, khu công nghiệp, xã/phường nơi đến."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.fields["destination_unit"]
        unit.queryset = AdminUnit.objects.filter(level=AdminUnit.Level.PROVINCE).order_by("name")
        unit.empty_label = _("— chọn tỉnh/thành phố —")
        order_model_choices(unit)  # Vietnamese order: Đ after D, "Hà Nội" before "Huế"
        _vietnamese_errors(self)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("expected_end_on")
        if start and end and end < start:
            self.add_error("expected_end_on", _("Ngày dự kiến trở về phải sau ngày đi."))
        if not data.get("destination_unit") and not data.get("destination_country"):
            self.add_error(
                "destination_unit",
                _("Chọn tỉnh/thành phố nơi đến, hoặc ghi quốc gia nếu ra nước ngoài."),
            )
        if not data.get("phone") and not data.get("other_contacts"):
            self.add_error("phone", _("Ghi ít nhất một cách liên lạc ở nơi đến."))
        return data


class OpinionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("agree", _("Đồng ý")), ("changes", _("Đề nghị bổ sung"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _vietnamese_errors(self)


class ContactForm(forms.Form):
    on = forms.DateField(label=_("Ngày liên lạc"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Hình thức"), choices=Contact.Kind.choices)
    note = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        _vietnamese_errors(self)


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    on = forms.DateField(label=_("Ngày trở về"), widget=DateInput())
    note = forms.CharField(label=_("Ghi chú"), required=False)
    no_comment_reason = forms.CharField(
        label=_("Lý do không có nhận xét của nơi đến (nếu chưa có)"),
        required=False,
        max_length=255,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _vietnamese_errors(self)


class CommentRequestForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    authority = forms.CharField(
        label=_("Gửi tới (chính quyền / tổ chức đảng / doanh nghiệp nơi đến)"), max_length=200
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        _vietnamese_errors(self)


class CommentForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    authority = forms.CharField(label=_("Nơi nhận xét"), max_length=200)
    received_on = forms.DateField(label=_("Ngày nhận"), widget=DateInput())
    text = forms.CharField(label=_("Nội dung nhận xét"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        _vietnamese_errors(self)


class BroadcastForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Chi bộ / đảng bộ"), queryset=None)
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    body = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, org_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = org_choices
        _vietnamese_errors(self)


class _GroundPeriodForm(forms.Form):
    """A ground from the policy's list (`grounds=`) and a period `start_on`..`end_on`
    that must not end before it starts (exemption decision and application)."""

    def __init__(self, *args, grounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [(g, g) for g in grounds]
        _vietnamese_errors(self)

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
            self.add_error("end_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class ExemptionForm(_GroundPeriodForm):
    ground = forms.ChoiceField(label=_("Lý do (theo danh mục)"))
    start_on = forms.DateField(label=_("Từ ngày"), widget=DateInput())
    end_on = forms.DateField(label=_("Đến ngày"), widget=DateInput())
    detail = forms.CharField(
        label=_("Chi tiết"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevokeForm(forms.Form):
    on = forms.DateField(label=_("Chấm dứt từ ngày"), widget=DateInput())
    reason = forms.CharField(label=_("Lý do"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _vietnamese_errors(self)


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=Transfer.Kind.choices)
    to_organization = forms.ModelChoiceField(
        label=_("Tổ chức đảng nơi đến (nếu có trong hệ thống)"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— không có trong hệ thống —"),
    )
    to_name = forms.CharField(
        label=_("Hoặc ghi tên tổ chức đảng nơi đến"), required=False, max_length=200
    )
    until = forms.DateField(
        label=_("Sinh hoạt tạm thời đến ngày"), required=False, widget=DateInput()
    )
    reason = forms.CharField(label=_("Lý do"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = Organization.objects.filter(
            kind__in=[Organization.Kind.CELL, Organization.Kind.BASE], is_active=True
        ).order_by(vi_order("name"), "id")
        self.fields["to_organization"].label_from_instance = lambda o: f"{o.name} ({o.code})"
        _vietnamese_errors(self)

    def clean(self):
        data = super().clean()
        if not data.get("to_organization") and not (data.get("to_name") or "").strip():
            self.add_error("to_name", _("Chọn tổ chức nơi đến hoặc ghi tên."))
        if data.get("kind") == Transfer.Kind.TEMPORARY and not data.get("until"):
            self.add_error("until", _("Sinh hoạt tạm thời cần ghi thời hạn."))
        return data


class ReceiveForm(forms.Form):
    on = forms.DateField(label=_("Ngày tiếp nhận"), widget=DateInput())
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        _vietnamese_errors(self)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Lý do"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _vietnamese_errors(self)


class MonthField(forms.DateField):
    """Accepts mm/yyyy (or a full date) and returns the first of the month."""

    input_formats = ["%m/%Y", "%d/%m/%Y", "%Y-%m"]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class MonthInput(forms.TextInput):
    def __init__(self):
        super().__init__(attrs={"placeholder": "mm/yyyy", "inputmode": "numeric"})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%m/%Y")
        return value


class PaymentForm(forms.Form):
    month = MonthField(label=_("Đóng cho tháng"), widget=MonthInput())
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1)
    method = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[c for c in FeePayment.Method.choices if c[0] != FeePayment.Method.REVERSAL],
    )
    reference = forms.CharField(label=_("Mã giao dịch"), required=False, max_length=80)
    paid_on = forms.DateField(label=_("Ngày nộp"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["month"].initial = timezone.localdate().replace(day=1)
        self.fields["month"].error_messages["invalid"] = _("Nhập tháng theo dạng mm/yyyy.")
        _vietnamese_errors(self)
        self.fields["month"].error_messages["invalid"] = _("Nhập tháng theo dạng mm/yyyy.")


class ProfileForm(forms.Form):
    group = forms.ChoiceField(label=_("Đối tượng"), choices=FeeProfile.Group.choices)
    income = forms.IntegerField(
        label=_("Thu nhập tính đảng phí (đồng/tháng)"), min_value=0, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _vietnamese_errors(self)


class ClaimForm(forms.Form):
    month_from = MonthField(label=_("Từ tháng"), widget=MonthInput())
    month_to = MonthField(label=_("Đến tháng"), widget=MonthInput())
    amount = forms.IntegerField(label=_("Số tiền đã chuyển (đồng)"), min_value=1)
    reference = forms.CharField(label=_("Mã giao dịch / nội dung chuyển khoản"), max_length=80)
    paid_on = forms.DateField(label=_("Ngày chuyển"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        month = timezone.localdate().replace(day=1)
        self.fields["month_from"].initial = month
        self.fields["month_to"].initial = month
        self.fields["paid_on"].initial = timezone.localdate()
        _vietnamese_errors(self)
        for name in ("month_from", "month_to"):
            self.fields[name].error_messages["invalid"] = _("Nhập tháng theo dạng mm/yyyy.")


# ---------------------------------------------------------------- filters


def _search_filter(placeholder):
    return django_filters.CharFilter(
        label=_("Tìm"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": placeholder, "type": "search"}),
    )


class AwayFilter(ScopedFilterSet):
    q = _search_filter(_("tên, nơi đến, nơi làm việc"))
    org = subtree_filter(max_depth=4)  # views.scope_orgs: cells and above
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=AwayPeriod.Status.choices, empty_label=_("Mọi tình trạng")
    )
    where = django_filters.ChoiceFilter(
        label=_("Nơi đến"),
        choices=[("domestic", _("Trong nước")), ("abroad", _("Nước ngoài"))],
        empty_label=_("Tất cả"),
        method="filter_where",
    )
    overdue = django_filters.BooleanFilter(
        label=_("Quá hạn liên lạc"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )

    interval_days = 90  # the view sets the Policy value for the user's scope

    class Meta:
        model = AwayPeriod
        fields = ["q", "org", "status", "where", "overdue"]

    def filter_where(self, qs, name, value):
        if value == "abroad":
            return qs.exclude(destination_country="")
        if value == "domestic":
            return qs.filter(destination_country="")
        return qs

    def filter_overdue(self, qs, name, value):
        if not value:
            return qs
        from .services import today

        return qs.contact_overdue(today(), self.interval_days)


class ExemptionFilter(ScopedFilterSet):
    q = _search_filter(_("tên đảng viên"))
    org = subtree_filter(max_depth=4)  # views.scope_orgs: cells and above
    state = django_filters.ChoiceFilter(
        label=_("Hiệu lực"),
        choices=[
            ("now", _("Đang có hiệu lực")),
            ("expiring", _("Sắp hết hạn (30 ngày)")),
            ("past", _("Đã hết hạn")),
        ],
        empty_label=_("Tất cả"),
        method="filter_state",
    )

    class Meta:
        model = Exemption
        fields = ["q", "org", "state"]

    def filter_state(self, qs, name, value):
        from .services import today

        d = today()
        if value == "now":
            return qs.filter(start_on__lte=d, end_on__gte=d)
        if value == "expiring":
            return qs.filter(start_on__lte=d, end_on__gte=d, end_on__lte=d + dt.timedelta(days=30))
        if value == "past":
            return qs.filter(end_on__lt=d)
        return qs


class TransferFilter(ScopedFilterSet):
    q = _search_filter(_("tên đảng viên"))
    org = subtree_filter(max_depth=4)  # views.scope_orgs: cells and above
    kind = django_filters.ChoiceFilter(
        label=_("Hình thức"), choices=Transfer.Kind.choices, empty_label=_("Tất cả")
    )
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=Transfer.Status.choices, empty_label=_("Mọi tình trạng")
    )

    class Meta:
        model = Transfer
        fields = ["q", "org", "kind", "status"]


class ExemptionApplicationForm(_GroundPeriodForm):
    """The member's written application (đơn xin tạm miễn sinh hoạt đảng)."""

    ground = forms.ChoiceField(label=_("Lý do (theo danh mục)"))
    start_on = forms.DateField(label=_("Xin tạm miễn từ ngày"), widget=DateInput())
    end_on = forms.DateField(label=_("Đến ngày"), widget=DateInput())
    reason = forms.CharField(
        label=_("Nội dung đơn (lý do, nguyện vọng)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    applied_on = forms.DateField(label=_("Ngày làm đơn"), widget=DateInput())


class ExemptionProposalForm(forms.Form):
    """The cell's consideration of an application."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label=_("Chi bộ"),
        choices=[("propose", _("Đề nghị cấp ủy tạm miễn")), ("no", _("Không đề nghị"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("Ý kiến của chi bộ"), widget=forms.Textarea(attrs={"rows": 3})
    )
    on = forms.DateField(label=_("Ngày chi bộ xem xét"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _vietnamese_errors(self)
