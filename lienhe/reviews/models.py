"""Yearly residence comments (nhận xét nơi cư trú) and year-end reviews (xếp loại)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lienhe.members.models import Member
from lienhe.members.names import CarriesMemberName, MemberNameQuerySet, member_name_field
from lienhe.orgs.models import Organization

from .constants import Purpose, Regulation, ReviewLevel


class CommentQuerySet(MemberNameQuerySet):  # bulk inserts copy the member's name
    def in_subtree(self, org: Organization) -> CommentQuerySet:
        return self.filter(
            Q(residence_org__path__startswith=org.path)
            | Q(workplace_org__path__startswith=org.path)
        )

    def visible_to(self, user) -> CommentQuerySet:
        """Residence side and workplace side by `reviews:read` subtree; the member sees
        their own comments once sent."""
        from lienhe.access.scoping import paths_with, subtree_q

        if getattr(user, "is_superuser", False):
            return self
        # The organizations as a subquery (hashed once), not two joins tested per row:
        # the list reads thousands of comments of a due date in index order to sort
        # them by name, and the joins cost two organization lookups each (issue 21).
        orgs = Organization.objects.filter(subtree_q(paths_with(user, "reviews:read")))
        q = Q(residence_org__in=orgs.values("pk")) | Q(workplace_org__in=orgs.values("pk"))
        if getattr(user, "member_id", None):
            q |= Q(member_id=user.member_id, state__in=ResidenceComment.SENT_STATES)
        return self.filter(q)


class ResidenceComment(CarriesMemberName, models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Đã yêu cầu, chờ nhận xét")
        DRAFT = "draft", _("Đang soạn")
        SENT = "sent", _("Đã gửi")
        SUPERSEDED = "superseded", _("Đã được đính chính")

    class Via(models.TextChoices):
        MEMBER = "member", _("Đảng viên tự yêu cầu")
        WORKPLACE = "workplace", _("Nơi công tác yêu cầu")
        RESIDENCE = "residence", _("Chi bộ nơi cư trú chủ động")

    SENT_STATES = ("sent", "superseded")

    member = models.ForeignKey(
        Member,
        verbose_name=_("đảng viên"),
        on_delete=models.PROTECT,
        related_name="residence_comments",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    purpose = models.CharField(
        _("mục đích"), max_length=12, choices=Purpose.choices, default=Purpose.YEARLY
    )
    introduction = models.ForeignKey(
        "liaison.Introduction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    residence_org = models.ForeignKey(
        Organization,
        verbose_name=_("chi bộ nơi cư trú"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    workplace_org = models.ForeignKey(
        Organization, verbose_name=_("nơi công tác"), on_delete=models.PROTECT, related_name="+"
    )
    requested_via = models.CharField(_("yêu cầu bởi"), max_length=10, choices=Via.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("ngày yêu cầu"), auto_now_add=True)
    due_on = models.DateField(_("hạn gửi"))
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=State.choices, default=State.REQUESTED
    )
    duties = models.JSONField(_("nhận xét theo từng nhiệm vụ"), default=dict, blank=True)
    conclusion = models.PositiveSmallIntegerField(_("kết luận (mức)"), null=True, blank=True)
    conclusion_label = models.CharField(_("kết luận"), max_length=120, blank=True)
    remarks = models.TextField(_("ý kiến khác"), blank=True)
    evidence = models.JSONField(_("số liệu căn cứ"), default=dict, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    sent_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    correction_reason = models.CharField(_("lý do đính chính"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The member's folded name, copied (lienhe.members.names): the list orders and
    # searches by it from its index, without joining the members (issue 21).
    member_search_name = member_name_field()
    history = HistoricalRecords(excluded_fields=["updated_at", "member_search_name"])

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhận xét nơi cư trú")
        verbose_name_plural = _("nhận xét nơi cư trú")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(purpose="yearly") & ~Q(state="superseded"),
                name="one_yearly_comment_per_member",
            )
        ]
        indexes = [
            # The list of a year is ordered by state, due date, name: the index gives
            # that order, so page 1 reads its first rows (issue 21). It carries the
            # member's copied name and the two organizations, so the capped count, the
            # page's ids and a search by name read the index, not the wide comment
            # rows nor the members.
            models.Index(
                fields=["year", "state", "due_on", "member_search_name", "id"],
                include=["member", "residence_org", "workplace_org"],
                name="reviews_comment_list_order",
            ),
            models.Index(fields=["residence_org", "year"]),
            # The comments still to write by deadline (home panel, red flags): read
            # in order and cut at 5-10, not sorted out of the whole table (issue 21).
            models.Index(
                fields=["due_on", "id"],
                condition=Q(state__in=["requested", "draft"]),
                name="reviews_comment_waiting_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.year}"

    @property
    def is_locked(self) -> bool:
        return self.locked(self.state)

    @property
    def sent_late(self) -> bool | None:
        return self.late(self.sent_at, self.due_on)

    # The two rules as functions of the columns, for rows read as values (the list).
    @classmethod
    def locked(cls, state: str) -> bool:
        """Sent (or corrected after sending): no longer edited."""
        return state in cls.SENT_STATES

    @staticmethod
    def late(sent_at, due_on) -> bool | None:
        """Sent after the due date (local date); None when not sent."""
        if not sent_at:
            return None
        from django.utils import timezone

        return timezone.localtime(sent_at).date() > due_on


class ReviewQuerySet(models.QuerySet):
    def in_subtree(self, org: Organization) -> ReviewQuerySet:
        return self.filter(organization__path__startswith=org.path)

    def visible_to(self, user) -> ReviewQuerySet:
        from lienhe.access.scoping import in_subtrees, paths_with

        if getattr(user, "is_superuser", False):
            return self
        q = in_subtrees(paths_with(user, "reviews:read"), "organization")
        if getattr(user, "member_id", None):
            q |= Q(member_id=user.member_id)
        return self.filter(q)


class YearReview(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Chưa đề xuất")
        PROPOSED = "proposed", _("Chi bộ đã đề xuất")
        FINAL = "final", _("Đã quyết định")

    member = models.ForeignKey(
        Member, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="year_reviews"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="+"
    )
    self_level = models.CharField(
        _("tự đánh giá"), max_length=14, choices=ReviewLevel.choices, blank=True
    )
    self_assessment = models.TextField(_("bản tự kiểm điểm (tóm tắt)"), blank=True)
    proposal_level = models.CharField(
        _("chi bộ đề xuất"), max_length=14, choices=ReviewLevel.choices, blank=True
    )
    proposal_note = models.TextField(_("ý kiến chi bộ"), blank=True)
    decision_level = models.CharField(
        _("cấp ủy quyết định"), max_length=14, choices=ReviewLevel.choices, blank=True
    )
    justification = models.TextField(_("giải trình"), blank=True)
    residence_comment = models.ForeignKey(
        ResidenceComment, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    residence_absence_reason = models.CharField(
        _("lý do không có nhận xét nơi cư trú"), max_length=255, blank=True
    )
    conflict = models.BooleanField(_("khác biệt với nhận xét nơi cư trú"), default=False)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.OPEN
    )
    # The regulation the review is made under (Quy định 124 for 2023–2024, Quy định 366
    # from 2025) and, under Quy định 366, the scores of its two criteria groups.
    regulation = models.CharField(
        _("căn cứ đánh giá"), max_length=8, choices=Regulation.choices, default=Regulation.QD124
    )
    score_general = models.PositiveSmallIntegerField(
        _("điểm nhóm tiêu chí chung (tối đa 30)"), null=True, blank=True
    )
    score_tasks = models.PositiveSmallIntegerField(
        _("điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ (tối đa 70)"), null=True, blank=True
    )
    # Under Quy định 366: what fed each criteria group when the committee decided
    # ({"general": [...], "tasks": [...]}, see reviews/criteria.py), sealed with it.
    score_basis = models.JSONField(_("căn cứ chấm điểm"), default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá, xếp loại đảng viên")
        verbose_name_plural = _("đánh giá, xếp loại đảng viên")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="one_review_per_year")
        ]
        indexes = [
            models.Index(fields=["organization", "year"]),
            # The board's red flag "proposal against the residence comment" reads the
            # few proposed reviews of a province (a seq scan of every review otherwise).
            models.Index(
                fields=["year", "organization"],
                condition=models.Q(state="proposed"),
                name="reviews_review_proposed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.year}"

    @property
    def score(self) -> int | None:
        if self.score_general is None or self.score_tasks is None:
            return None
        return self.score_general + self.score_tasks
