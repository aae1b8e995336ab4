from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe.access.requests import YEAR_MAX, YEAR_MIN

from .constants import DUTIES, ReviewLevel


class CommentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    conclusion = forms.TypedChoiceField(
        label=_("Kết luận"), coerce=int, required=False, widget=forms.RadioSelect, empty_value=None
    )
    remarks = forms.CharField(
        label=_("Ý kiến khác (nếu có)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"), required=False, max_length=120, initial=_("Bí thư chi bộ")
    )

    def __init__(self, *args, levels: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in DUTIES:
            self.fields[f"duty_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields["conclusion"].choices = list(enumerate(levels))
        # Keep the duty fields first, in the order of the official form.
        order = [f"duty_{k}" for k, _l in DUTIES] + [
            "conclusion",
            "remarks",
            "signer_title",
            "version",
        ]
        self.order_fields(order)

    def duties(self) -> dict:
        return {k: self.cleaned_data.get(f"duty_{k}", "") for k, _l in DUTIES}


class CorrectionForm(CommentForm):
    reason = forms.CharField(label=_("Lý do đính chính"), max_length=255)


class RequestForOrgForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    step = forms.ChoiceField(
        widget=forms.HiddenInput,
        choices=[("self", "self"), ("propose", "propose"), ("final", "final")],
    )
    level = forms.ChoiceField(
        label=_("Mức xếp loại"), choices=ReviewLevel.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Nội dung / ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    justification = forms.CharField(
        label=_("Giải trình (bắt buộc khi khác nhận xét nơi cư trú)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    absence_reason = forms.CharField(
        label=_("Lý do không có nhận xét nơi cư trú (nếu có)"), required=False, max_length=255
    )
    # Quy định 366-QĐ/TW (reviews from 2025): the two criteria groups of the framework.
    score_general = forms.IntegerField(
        label=_("Điểm nhóm tiêu chí chung (tối đa 30)"), required=False, min_value=0, max_value=30
    )
    score_tasks = forms.IntegerField(
        label=_("Điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ (tối đa 70)"),
        required=False,
        min_value=0,
        max_value=70,
    )
