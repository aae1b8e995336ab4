from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe.orgs.models import Organization

from .models import Agency, Category, Petition

DATE_INPUT = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
)


def write_orgs(user):
    """Organizations where the user may record petitions (cells and committees)."""
    from lienhe.access.scoping import paths_with, subtree_q

    qs = Organization.objects.filter(is_active=True)
    if user.is_superuser:
        return qs
    return qs.filter(subtree_q(paths_with(user, "petitions:write")))


class PetitionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attachment = forms.FileField(
        label=_("Ảnh hoặc văn bản kèm theo"),
        required=False,
        help_text=_("JPG, PNG, WEBP, PDF, Word, Excel; tối đa 10 MB."),
    )

    class Meta:
        model = Petition
        fields = [
            "organization",
            "summary",
            "details",
            "category",
            "place",
            "people_count",
            "priority",
            "raised_by_kind",
            "raised_by_name",
            "received_on",
        ]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 4}),
            "received_on": DATE_INPUT,
            "summary": forms.TextInput(
                attrs={"placeholder": _("ví dụ: Đường liên thôn Đông – Tây xuống cấp")}
            ),
        }

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = _("— Chọn lĩnh vực —")
        self.fields["organization"].queryset = write_orgs(user).order_by("path")
        self.fields["organization"].label = _("Chi bộ/tổ chức nêu kiến nghị")
        self.fields["organization"].empty_label = _("— Chọn chi bộ —")
        if editing:
            del self.fields["organization"]
            del self.fields["received_on"]
            del self.fields["attachment"]
            self.fields["version"].initial = self.instance.version


class SelfServiceForm(forms.Form):
    summary = forms.CharField(
        label=_("Kiến nghị, đề xuất của bạn (tóm tắt)"),
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: Đèn chiếu sáng ngõ 5 hỏng")}),
    )
    details = forms.CharField(
        label=_("Nội dung chi tiết"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("— Chọn lĩnh vực —"),
    )
    place = forms.CharField(label=_("Địa điểm cụ thể"), max_length=255, required=False)
    people_count = forms.IntegerField(label=_("Số người liên quan"), min_value=1, initial=1)
    attachment = forms.FileField(
        label=_("Ảnh hoặc văn bản kèm theo"),
        required=False,
        help_text=_("JPG, PNG, WEBP, PDF, Word, Excel; tối đa 10 MB."),
    )


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan giải quyết"),
        queryset=Agency.objects.filter(is_active=True),
        empty_label=_("— Chọn cơ quan —"),
    )
    due_on = forms.DateField(
        label=_("Hạn trả lời"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Để trống: tính theo quy định về thời hạn trả lời kiến nghị."),
    )
    note = forms.CharField(label=_("Ghi chú chuyển"), required=False, max_length=500)


class TransferForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Chuyển sang cơ quan"),
        queryset=Agency.objects.filter(is_active=True),
        empty_label=_("— Chọn cơ quan —"),
    )
    reason = forms.CharField(label=_("Lý do chuyển"), max_length=500)


class AnswerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    answer = forms.CharField(
        label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 6}), min_length=10
    )
    whole_cluster = forms.BooleanField(
        label=_("Trả lời chung cho các kiến nghị cùng cụm đang chờ cơ quan này"), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do chi bộ chưa đồng ý"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến của chi bộ (nếu có)"), required=False, max_length=500)


class SplitForm(forms.Form):
    parts = forms.CharField(
        label=_("Các nội dung tách ra (mỗi dòng một kiến nghị)"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_parts(self):
        lines = [line.strip() for line in self.cleaned_data["parts"].splitlines() if line.strip()]
        if len(lines) < 2:
            raise forms.ValidationError(_("Hãy nhập ít nhất hai dòng, mỗi dòng một kiến nghị."))
        return [{"summary": line[:255]} for line in lines]


class MergeForm(forms.Form):
    numbers = forms.CharField(
        label=_("Số các kiến nghị gộp vào kiến nghị này"),
        help_text=_("Ví dụ: 102, 118, 240"),
        max_length=200,
    )

    def clean_numbers(self):
        raw = self.cleaned_data["numbers"].replace(";", ",").replace(" ", ",")
        try:
            numbers = sorted({int(x.lstrip("#")) for x in raw.split(",") if x.strip()})
        except ValueError:
            raise forms.ValidationError(
                _("Chỉ nhập số kiến nghị, cách nhau bằng dấu phẩy.")
            ) from None
        if not numbers:
            raise forms.ValidationError(_("Hãy nhập ít nhất một số kiến nghị."))
        return numbers


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp"), help_text=_("JPG, PNG, WEBP, PDF, Word, Excel; tối đa 10 MB.")
    )


class ClusterForm(forms.Form):
    title = forms.CharField(label=_("Tên vấn đề chung"), max_length=255, required=False)


class AgencyForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Agency
        fields = [
            "name",
            "short_name",
            "kind",
            "organization",
            "handlers",
            "email",
            "phone",
            "is_active",
        ]
        widgets = {"handlers": forms.SelectMultiple(attrs={"size": 6})}

    def clean_name(self):
        """A department merged in 2025 is named as it is today (petitions/merger.py)."""
        from .merger import SOURCE, successor

        name = self.cleaned_data["name"]
        new = successor(name)
        if new is not None:
            raise forms.ValidationError(
                _("“%(old)s” đã hợp nhất vào “%(new)s” (%(src)s): hãy dùng tên hiện nay.")
                % {"old": name, "new": new, "src": SOURCE}
            )
        return name

    def __init__(self, *args, **kwargs):
        from lienhe.access.models import User

        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            is_active=True, depth__lte=3
        ).exclude(kind=Organization.Kind.CELL)
        self.fields["handlers"].queryset = (
            User.objects.filter(roles__role="agency_handler", is_active=True)
            .distinct()
            .order_by("username")
        )
        self.fields["handlers"].help_text = _(
            "Tài khoản có vai trò “Cán bộ sở, ngành xử lý kiến nghị”."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
