from django import forms
from django.utils.translation import gettext_lazy as _

from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from .models import Committee, CommitteeMember, MissReason, Position, Quality, quality_criteria


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["organization", "name", "term", "term_start", "term_end"]
        widgets = {
            "term_start": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "term_end": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, org_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = org_choices or Organization.objects.none()
        self.fields["organization"].empty_label = _("— Chọn đảng bộ —")


class CommitteeMemberForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    member_card = forms.CharField(
        label=_("Số thẻ đảng viên"),
        required=False,
        help_text=_("Nhập số thẻ để liên kết hồ sơ đảng viên (có thể bỏ trống)."),
    )

    class Meta:
        model = CommitteeMember
        fields = [
            "full_name",
            "title",
            "position",
            "heads_unit",
            "units_in_charge",
            "user",
            "is_active",
        ]
        widgets = {"units_in_charge": forms.CheckboxSelectMultiple}

    def __init__(self, *args, committee: Committee, user_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        root = committee.organization
        units = (
            Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1)
            .exclude(kind=Organization.Kind.CELL)
            .order_by("path")
        )
        self.fields["units_in_charge"].queryset = units
        self.fields["heads_unit"].queryset = units
        self.fields["heads_unit"].empty_label = _("— Không —")
        self.fields["full_name"].required = False
        self.fields["user"].queryset = (
            user_choices if user_choices is not None else self.fields["user"].queryset.none()
        )
        self.fields["user"].required = False
        self.fields["user"].empty_label = _("— Chưa liên kết tài khoản —")
        self.fields["user"].help_text = _(
            "Tài khoản có vai trò cấp ủy viên dự sinh hoạt (cấp tại trang Tài khoản)."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.member_id:
                self.fields["member_card"].initial = self.instance.member.card_number

    def clean_member_card(self):
        card = (self.cleaned_data.get("member_card") or "").replace(" ", "")
        if not card:
            return None
        member = Member.objects.filter(card_number=card).first()
        if member is None:
            raise forms.ValidationError(_("Không tìm thấy đảng viên có số thẻ này."))
        return member


class CellChoiceField(forms.ModelChoiceField):
    """Cells labelled with their remote-area flag, so the board sees the priority."""

    parents: dict[str, str] = {}

    def label_from_instance(self, obj):
        parent = self.parents.get(obj.path[: -obj.steplen], "")
        label = f"{obj.name} ({parent})" if parent else obj.name
        if obj.meeting_day:
            label += f", sinh hoạt ngày {obj.meeting_day}"
        return f"{label} — vùng sâu, vùng xa" if obj.is_remote else label


def _with_parents(field: CellChoiceField, committee: Committee) -> None:
    root = committee.organization
    field.parents = dict(
        Organization.objects.filter(path__startswith=root.path)
        .exclude(kind__in=[Organization.Kind.CELL, Organization.Kind.GROUP])
        .values_list("path", "name")
    )


class AssignmentForm(forms.Form):
    committee_member = forms.ModelChoiceField(
        label=_("Cấp ủy viên"),
        queryset=CommitteeMember.objects.none(),
        empty_label=_("— Chọn cấp ủy viên —"),
    )
    cell = CellChoiceField(
        label=_("Chi bộ"), queryset=Organization.objects.none(), empty_label=_("— Chọn chi bộ —")
    )

    def __init__(self, *args, committee: Committee, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee_member"].queryset = committee.committee_members.filter(
            is_active=True
        ).ranked()
        self.fields["cell"].queryset = cells
        _with_parents(self.fields["cell"], committee)


class VisitPlanForm(AssignmentForm):
    """A committee member and a cell (as for an assignment), and a day or a month."""

    planned_on = forms.DateField(
        label=_("Ngày dự"),
        required=False,
        help_text=_("Để trống: lấy ngày sinh hoạt định kỳ của chi bộ trong tháng đã chọn."),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    month = forms.IntegerField(label=_("Tháng"), min_value=1, max_value=12, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("planned_on") and not data.get("month"):
            raise forms.ValidationError(_("Hãy nhập ngày dự hoặc chọn tháng."))
        return data


class MissedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Lý do không dự được"), choices=MissReason.choices)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)
    new_date = forms.DateField(
        label=_("Dời sang ngày (nếu có)"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )


class ChangeDateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    planned_on = forms.DateField(
        label=_("Ngày dự mới"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )


class ReportForm(forms.Form):
    attended_on = forms.DateField(
        label=_("Ngày dự sinh hoạt"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    chair = forms.CharField(label=_("Đồng chí chủ trì"), max_length=120)
    members_total = forms.IntegerField(label=_("Tổng số đảng viên"), min_value=0, required=False)
    members_present = forms.IntegerField(
        label=_("Số đảng viên có mặt"), min_value=0, required=False
    )
    content = forms.CharField(label=_("Nội dung buổi sinh hoạt"), widget=forms.Textarea)
    criteria = forms.MultipleChoiceField(
        label=_("Tiêu chí đạt (theo Hướng dẫn 12-HD/BTCTW)"),
        choices=quality_criteria,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    quality = forms.ChoiceField(
        label=_("Xếp loại chất lượng buổi sinh hoạt"),
        choices=[("", _("— Tính theo tiêu chí đạt —")), *Quality.choices],
        required=False,
        help_text=_(
            "Để trống: xếp loại theo tổng điểm các tiêu chí đạt (như đánh giá của chi bộ)."
        ),
    )
    observations = forms.CharField(
        label=_("Nhận xét của đồng chí dự"), widget=forms.Textarea, required=False
    )
    opinions = forms.CharField(
        label=_("Ý kiến của đảng viên, nhân dân"), widget=forms.Textarea, required=False
    )
    resolved_on_spot = forms.CharField(
        label=_("Những việc đã giải quyết tại chỗ"), widget=forms.Textarea, required=False
    )
    recommendations = forms.CharField(
        label=_("Đề xuất, kiến nghị với cấp ủy"), widget=forms.Textarea, required=False
    )


class PetitionItemForm(forms.Form):
    summary = forms.CharField(label=_("Nội dung kiến nghị"), max_length=255, required=False)
    # Chosen from the petition taxonomy (its name, which category_for maps back).
    category = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=())
    details = forms.CharField(
        label=_("Chi tiết"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lienhe.petitions.models import Category

        self.fields["category"].choices = [("", _("— chọn lĩnh vực —"))] + [
            (c.name[:60], c.name) for c in Category.objects.filter(is_active=True)
        ]


PetitionFormSet = forms.formset_factory(PetitionItemForm, extra=2, max_num=30)

POSITION_CHOICES = Position.choices
