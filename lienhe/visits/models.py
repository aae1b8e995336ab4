"""Committee members attending grassroots cell meetings (Quy định 1120-QĐ/TU, seed 001):
the committee register, the year's assignments, planned visits and visit reports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.text import fold, nfc


def _scope_q(user, field: str) -> models.Q:
    from lienhe.access.scoping import paths_with, subtree_q

    return subtree_q(paths_with(user, "visits:read"), field)


class CommitteeQuerySet(models.QuerySet):
    def visible_to(self, user) -> CommitteeQuerySet:
        if getattr(user, "is_superuser", False):
            return self
        q = _scope_q(user, "organization__path")
        if getattr(user, "is_authenticated", False):
            q |= models.Q(committee_members__user=user)
        return self.filter(q).distinct()


class Committee(models.Model):
    """A party committee (Ban Chấp hành) for one term, e.g. Tỉnh ủy khóa XX 2025–2030."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("đảng bộ"),
        on_delete=models.PROTECT,
        related_name="committees",
    )
    name = models.CharField(_("tên cấp ủy"), max_length=200)
    term = models.CharField(_("nhiệm kỳ"), max_length=40)
    term_start = models.DateField(_("bắt đầu nhiệm kỳ"))
    term_end = models.DateField(_("kết thúc nhiệm kỳ"))
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("cấp ủy")
        verbose_name_plural = _("cấp ủy")
        ordering = ["-term_start", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.term})"


class Position(models.TextChoices):
    STANDING_OFFICER = "standing_officer", _("Thường trực cấp ủy")
    STANDING_COMMITTEE = "standing_committee", _("Ủy viên Ban Thường vụ")
    EXECUTIVE_COMMITTEE = "executive_committee", _("Ủy viên Ban Chấp hành")


POSITION_ORDER = [
    Position.STANDING_OFFICER,
    Position.STANDING_COMMITTEE,
    Position.EXECUTIVE_COMMITTEE,
]

# Policy key of the yearly minimum per position (registered in lienhe/orgs/policy.py).
QUOTA_KEYS = {
    Position.STANDING_OFFICER: "visit_quota_standing_officer",
    Position.STANDING_COMMITTEE: "visit_quota_standing_committee",
    Position.EXECUTIVE_COMMITTEE: "visit_quota_executive_committee",
}


class Scope(models.TextChoices):
    WHOLE = "whole", _("Toàn đảng bộ")
    UNITS_IN_CHARGE = "units", _("Các đơn vị được phân công phụ trách")
    OWN_UNIT = "own", _("Đơn vị mình đứng đầu")
    ASSIGNED = "assigned", _("Các chi bộ được phân công")


class CommitteeMemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> CommitteeMemberQuerySet:
        if getattr(user, "is_superuser", False):
            return self
        # The same rule for one loaded row: `committee_member_visible` below.
        q = _scope_q(user, "committee__organization__path")
        if getattr(user, "is_authenticated", False):
            q |= models.Q(user=user)
        return self.filter(q)

    def ranked(self) -> CommitteeMemberQuerySet:
        """Standing officers first, then standing committee, then executive committee."""
        rank = models.Case(
            *(models.When(position=p, then=models.Value(i)) for i, p in enumerate(POSITION_ORDER)),
            default=models.Value(9),
        )
        return self.annotate(rank=rank).order_by("rank", "search_name", "pk")

    def search(self, text: str) -> CommitteeMemberQuerySet:
        folded = fold(text)
        return self.filter(search_name__contains=folded) if folded else self


def committee_member_visible(committee_member: CommitteeMember, user) -> bool:
    """`CommitteeMemberQuerySet.visible_to` for one row already loaded with its
    committee's organization (the member dossier's section: no query per seat)."""
    from lienhe.access.scoping import paths_with

    if getattr(user, "is_superuser", False):
        return True
    if getattr(user, "is_authenticated", False) and committee_member.user_id == user.pk:
        return True
    path = committee_member.committee.organization.path
    return any(path.startswith(root) for root in paths_with(user, "visits:read"))


class CommitteeMember(models.Model):
    """A committee member (cấp ủy viên) on one committee."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="committee_members"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("đảng viên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_memberships",
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    title = models.CharField(_("chức vụ"), max_length=200, blank=True)
    position = models.CharField(_("vị trí trong cấp ủy"), max_length=20, choices=Position.choices)
    heads_unit = models.ForeignKey(
        Organization,
        verbose_name=_("là bí thư cấp ủy cấp dưới"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Đảng bộ cấp dưới mà đồng chí đứng đầu (nếu có)."),
    )
    units_in_charge = models.ManyToManyField(
        Organization,
        verbose_name=_("đơn vị phụ trách"),
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("đang giữ chức"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("cấp ủy viên")
        verbose_name_plural = _("cấp ủy viên")
        ordering = ["committee", "position", "search_name", "id"]
        indexes = [models.Index(fields=["committee", "position"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        if self.member_id and not self.full_name:
            self.full_name = self.member.full_name
        self.full_name = nfc(self.full_name).strip()
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def scope(self) -> str:
        if self.position == Position.STANDING_OFFICER:
            return Scope.WHOLE
        if self.position == Position.STANDING_COMMITTEE:
            return Scope.UNITS_IN_CHARGE
        if self.heads_unit_id:
            return Scope.OWN_UNIT
        return Scope.ASSIGNED

    def get_scope_display(self) -> str:
        return str(Scope(self.scope).label)


class VisitAssignment(models.Model):
    """A cell a committee member covers in a year (phân công dự sinh hoạt)."""

    committee_member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="assignments"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    cell = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân công dự sinh hoạt")
        verbose_name_plural = _("phân công dự sinh hoạt")
        constraints = [
            models.UniqueConstraint(
                fields=["committee_member", "year", "cell"], name="visit_assignment_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "cell"])]

    def __str__(self) -> str:
        return f"{self.committee_member} → {self.cell} ({self.year})"


class MissReason(models.TextChoices):
    BUSINESS_TRIP = "business_trip", _("Đi công tác")
    ILLNESS = "illness", _("Ốm đau")
    URGENT_WORK = "urgent_work", _("Công việc đột xuất")
    MEETING_MOVED = "meeting_moved", _("Chi bộ dời lịch sinh hoạt")
    OTHER = "other", _("Lý do khác")


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> VisitQuerySet:
        if getattr(user, "is_superuser", False):
            return self
        q = _scope_q(user, "cell__path") | _scope_q(
            user, "committee_member__committee__organization__path"
        )
        if getattr(user, "is_authenticated", False):
            q |= models.Q(committee_member__user=user)
        return self.filter(q)

    def in_subtree(self, org: Organization) -> VisitQuerySet:
        return self.filter(cell__path__startswith=org.path)

    def counted(self) -> VisitQuerySet:
        """Visits that count towards the plan (not superseded by a reschedule)."""
        return self.exclude(state=Visit.State.MISSED, rescheduled_to__isnull=False)


class Visit(models.Model):
    """One planned attendance of a committee member at a cell meeting."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Đã lên kế hoạch")
        DONE = "done", _("Đã dự, đã báo cáo")
        MISSED = "missed", _("Không dự được")

    committee_member = models.ForeignKey(
        CommitteeMember,
        verbose_name=_("cấp ủy viên"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    cell = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.CASCADE, related_name="+"
    )
    planned_on = models.DateField(_("ngày dự kiến"))
    year = models.PositiveSmallIntegerField(editable=False, db_index=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("buổi sinh hoạt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_visits",
    )
    state = models.CharField(
        _("trạng thái"), max_length=8, choices=State.choices, default=State.PLANNED
    )
    miss_reason = models.CharField(
        _("lý do không dự"), max_length=16, choices=MissReason.choices, blank=True
    )
    miss_note = models.CharField(_("ghi chú lý do"), max_length=255, blank=True)
    rescheduled_to = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rescheduled_from",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt dự sinh hoạt")
        verbose_name_plural = _("lượt dự sinh hoạt")
        ordering = ["planned_on", "id"]
        indexes = [
            models.Index(fields=["committee_member", "year", "state"]),
            models.Index(fields=["cell", "planned_on"]),
            models.Index(fields=["state", "planned_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.committee_member} — {self.cell} {self.planned_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.year = self.planned_on.year
        super().save(*args, **kwargs)

    def report_due(self, due_days: int) -> dt.date:
        return self.planned_on + dt.timedelta(days=due_days)

    @property
    def reportable(self) -> bool:
        """The meeting day has come: the report can be filed."""
        return self.state == self.State.PLANNED and self.planned_on <= timezone.localdate()

    @property
    def awaiting_report(self) -> bool:
        return self.state == self.State.PLANNED and self.planned_on < timezone.localdate()


class Quality(models.TextChoices):
    # Same scale as meetings.Rating.Level (Hướng dẫn 12-HD/BTCTW).
    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    POOR = "poor", _("Kém")


def quality_criteria() -> list[tuple[str, str]]:
    """The meeting-quality checklist of the meetings module (Hướng dẫn 12-HD/BTCTW),
    flattened to (key, label): the visitor assesses with the same criteria."""
    from lienhe.meetings.services import CRITERIA

    return [(key, label) for _g, _l, items in CRITERIA for key, label, _points in items]


class VisitReport(models.Model):
    """Mẫu báo cáo kết quả dự sinh hoạt chi bộ, filed by the committee member."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="report")
    attended_on = models.DateField(_("ngày dự sinh hoạt"))
    chair = models.CharField(_("đồng chí chủ trì"), max_length=120)
    members_present = models.PositiveIntegerField(_("số đảng viên có mặt"), null=True, blank=True)
    members_total = models.PositiveIntegerField(_("tổng số đảng viên"), null=True, blank=True)
    content = models.TextField(_("nội dung buổi sinh hoạt"))
    observations = models.TextField(_("nhận xét, đánh giá của đồng chí dự"), blank=True)
    criteria = models.JSONField(_("tiêu chí đạt"), default=list, blank=True)
    quality = models.CharField(
        _("chất lượng buổi sinh hoạt"), max_length=8, choices=Quality.choices
    )
    opinions = models.TextField(_("ý kiến của đảng viên, nhân dân"), blank=True)
    resolved_on_spot = models.TextField(_("những việc đã giải quyết tại chỗ"), blank=True)
    recommendations = models.TextField(_("đề xuất, kiến nghị với cấp ủy"), blank=True)
    number = models.CharField(_("số báo cáo"), max_length=40, blank=True)
    filed_at = models.DateTimeField(_("ngày nộp"), default=timezone.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    days_late = models.PositiveSmallIntegerField(_("số ngày nộp muộn"), default=0)

    class Meta:
        verbose_name = _("báo cáo kết quả dự sinh hoạt")
        verbose_name_plural = _("báo cáo kết quả dự sinh hoạt")

    def __str__(self) -> str:
        return f"Báo cáo {self.visit}"

    @property
    def criteria_labels(self) -> list[str]:
        chosen = set(self.criteria or [])
        return [str(label) for key, label in quality_criteria() if key in chosen]


class HeardPetition(models.Model):
    """A petition heard at the visit; handed to lienhe.petitions by signal."""

    report = models.ForeignKey(VisitReport, on_delete=models.CASCADE, related_name="petitions")
    summary = models.CharField(_("nội dung kiến nghị"), max_length=255)
    details = models.TextField(_("chi tiết"), blank=True)
    category = models.CharField(_("lĩnh vực"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("kiến nghị tiếp nhận khi dự sinh hoạt")
        verbose_name_plural = _("kiến nghị tiếp nhận khi dự sinh hoạt")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.summary
