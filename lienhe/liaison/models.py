"""Introduction letters (giấy giới thiệu) and the residence liaison they open:
local tasks and the two-way thread between the workplace and the residence cell."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lienhe.members.models import Member
from lienhe.members.names import CarriesMemberName, MemberNameQuerySet, member_name_field
from lienhe.orgs.models import Organization


class IntroductionQuerySet(MemberNameQuerySet):  # bulk inserts copy the member's name
    def in_subtree(self, org: Organization) -> IntroductionQuerySet:
        """Letters issued by, or addressed to, an organization in `org`'s subtree."""
        return self.filter(
            Q(workplace_org__path__startswith=org.path)
            | Q(residence_org__path__startswith=org.path)
        )

    def open(self) -> IntroductionQuerySet:
        return self.exclude(state=Introduction.State.CLOSED)

    def live(self) -> IntroductionQuerySet:
        """Handed in or active: the member keeps ties with the residence cell."""
        return self.filter(state__in=Introduction.LIVE_STATES)

    def overdue(self, on: dt.date) -> IntroductionQuerySet:
        """Letters overdue as of `on` — the one definition (`overdue_q`)."""
        return self.filter(overdue_q(on))

    def visible_to(self, user) -> IntroductionQuerySet:
        from lienhe.access.scoping import in_subtrees, paths_with

        if getattr(user, "is_superuser", False):
            return self
        paths = paths_with(user, "liaison:read")
        q = in_subtrees(paths, "workplace_org") | in_subtrees(paths, "residence_org")
        if getattr(user, "member_id", None):
            q |= Q(member_id=user.member_id)
        return self.filter(q)


class ExemptionGroup(models.TextChoices):
    """The groups of Hướng dẫn 33-HD/BTCTW ngày 30/10/2020, mục 1.1 (introduced but exempt
    from residence activities and from the yearly comment; they still carry out Khoản
    1, 2, 5, 6, 7 of Điều 2 Quy định 213) and mục 1.2 (exempt from introduction)."""

    BARRACKS = (
        "barracks",
        _("Quân đội, Công an ở tập trung tại doanh trại, nhà công vụ (HD 33 mục 1.1)"),
    )
    MOBILE = (
        "mobile",
        _("Thường xuyên đi làm việc xa, lưu động; cán bộ điều động, luân chuyển (HD 33 mục 1.1)"),
    )
    STUDY = "study", _("Cán bộ, công chức, viên chức đi học tập trung 12 tháng (HD 33 mục 1.1)")
    STUDENT = "student", _("Học sinh, sinh viên đi học xa nhà (HD 33 mục 1.1)")
    SPECIAL_DUTY = (
        "special_duty",
        _(
            "Quân đội, Công an làm nhiệm vụ đặc biệt, giữ bí mật nhân thân; đơn vị thường trực "
            "sẵn sàng chiến đấu (HD 33 mục 1.2)"
        ),
    )


# mục 1.1 groups exempt from residence activities; mục 1.2 exempt from introduction.
RESIDENCE_EXEMPTION_GROUPS = [
    ExemptionGroup.BARRACKS,
    ExemptionGroup.MOBILE,
    ExemptionGroup.STUDY,
    ExemptionGroup.STUDENT,
]
INTRODUCTION_EXEMPTION_GROUPS = [ExemptionGroup.SPECIAL_DUTY]


class Introduction(CarriesMemberName, models.Model):
    """One introduction letter and the liaison it opens. At most one open (not closed)
    record per member; history is kept as closed records plus the history table."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã cấp giấy, chờ nộp")
        HANDED_IN = "handed_in", _("Đã nộp giấy, chờ tiếp nhận")
        ACTIVE = "active", _("Đang sinh hoạt nơi cư trú")
        CLOSED = "closed", _("Đã kết thúc")
        EXEMPT = "exempt", _("Miễn giới thiệu")

    class Exemption(models.TextChoices):
        NONE = "", _("Không")
        RESIDENCE = "residence", _("Miễn sinh hoạt nơi cư trú")
        INTRODUCTION = "introduction", _("Miễn giới thiệu về nơi cư trú")

    class ClosedReason(models.TextChoices):
        MOVED = "moved", _("Chuyển nơi cư trú")
        TRANSFERRED = "transferred", _("Chuyển sinh hoạt đảng")
        RETIRED = "retired", _("Nghỉ hưu, thôi công tác")
        EXEMPTED = "exempted", _("Được miễn")
        DIED = "died", _("Từ trần")
        CANCELLED = "cancelled", _("Hủy giấy (cấp sai)")

    LIVE_STATES = ("handed_in", "active")

    member = models.ForeignKey(
        Member, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="introductions"
    )
    workplace_org = models.ForeignKey(
        Organization,
        verbose_name=_("đảng ủy nơi công tác giới thiệu"),
        on_delete=models.PROTECT,
        related_name="issued_introductions",
    )
    residence_org = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức đảng nơi cư trú"),
        on_delete=models.PROTECT,
        related_name="received_introductions",
    )
    group = models.ForeignKey(
        Organization,
        verbose_name=_("tổ đảng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_introductions",
    )
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=State.choices, default=State.DRAFT
    )
    number = models.CharField(_("số giấy"), max_length=80, blank=True)
    document = models.ForeignKey(
        "documents.DocumentNumber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    due_on = models.DateField(_("hạn nộp giấy"), null=True, blank=True)
    handed_in_on = models.DateField(_("ngày nộp giấy"), null=True, blank=True)
    accepted_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    exemption = models.CharField(
        _("miễn"), max_length=12, choices=Exemption.choices, default="", blank=True
    )
    exemption_group = models.CharField(
        _("nhóm được miễn"), max_length=14, choices=ExemptionGroup.choices, blank=True
    )
    exemption_reason = models.CharField(_("lý do miễn"), max_length=255, blank=True)
    exempt_from = models.DateField(_("miễn từ ngày"), null=True, blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    closed_reason = models.CharField(
        _("lý do kết thúc"), max_length=12, choices=ClosedReason.choices, blank=True
    )
    closed_note = models.CharField(_("ghi chú kết thúc"), max_length=255, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("giấy trước"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_letters",
    )
    overdue_flagged_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The member's folded name, copied (lienhe.members.names): the search by name reads
    # the letters and their trigram index, not most of the members (issue 21).
    member_search_name = member_name_field()
    history = HistoricalRecords(excluded_fields=["updated_at", "member_search_name"])

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy giới thiệu sinh hoạt nơi cư trú")
        verbose_name_plural = _("giấy giới thiệu sinh hoạt nơi cư trú")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=~Q(state="closed"), name="introduction_one_open"
            )
        ]
        indexes = [
            models.Index(fields=["member", "state"]),
            # Carries the member (PostgreSQL; other databases ignore `include`): "the
            # members introduced to a cell in my scope" (access.scoping.member_windows)
            # reads the index alone, one range per organization of the scope, instead of
            # every letter (a commune committee's member queries: 9 ms -> 2 ms each at
            # 100.000 members, issue 21).
            models.Index(
                fields=["residence_org", "state"],
                include=["member"],
                name="liaison_int_residen_mem_idx",
            ),
            models.Index(fields=["workplace_org", "state"]),
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["state", "handed_in_on"]),  # red flags (issue 21)
            # The list's default order (newest first): page 1 reads 50 index entries
            # instead of sorting the whole scope (issue 21).
            models.Index(fields=["created_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('Giấy giới thiệu')} — {self.member}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    def days_overdue(self, on: dt.date | None = None) -> int:
        """Days past the hand-in deadline while not handed in (0 if not overdue)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        if self.state != self.State.ISSUED or not self.due_on or self.due_on >= on:
            return 0
        return (on - self.due_on).days

    @property
    def handed_in_late(self) -> bool | None:
        if not self.handed_in_on or not self.due_on:
            return None
        return self.handed_in_on > self.due_on

    @property
    def cell(self) -> Organization | None:
        """The residence cell once a cell holds the letter (None while at the commune)."""
        return self.residence_org if self.residence_org.kind == Organization.Kind.CELL else None


class LocalTask(models.Model):
    """A small local task the residence cell gives an introduced member."""

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign", _("Tuyên truyền, vận động")
        VOLUNTEER = "volunteer", _("Lao động tình nguyện, vệ sinh môi trường")
        MEDIATION = "mediation", _("Hòa giải ở cơ sở")
        FUND = "fund", _("Quỹ khuyến học, quỹ vì người nghèo")
        SECURITY = "security", _("An ninh trật tự")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")
        NOT_DONE = "not_done", _("Không hoàn thành")

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("giấy")
    )
    kind = models.CharField(_("loại việc"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("nội dung công việc"), max_length=200)
    assigned_on = models.DateField(_("ngày giao"))
    due_on = models.DateField(_("hạn hoàn thành"))
    status = models.CharField(
        _("kết quả"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("kết quả thực hiện"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("công việc được giao ở nơi cư trú")
        verbose_name_plural = _("công việc được giao ở nơi cư trú")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["introduction", "status"])]

    def __str__(self) -> str:
        return self.title


class ThreadMessage(models.Model):
    """A message in the two-way thread of an introduction, or a system event."""

    class Side(models.TextChoices):
        WORKPLACE = "workplace", _("Nơi công tác")
        RESIDENCE = "residence", _("Nơi cư trú")
        SYSTEM = "system", _("Hệ thống")

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="messages"
    )
    side = models.CharField(_("bên"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("nội dung"))
    event = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("trao đổi")
        verbose_name_plural = _("trao đổi")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["introduction", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


def in_force_q(on: dt.date) -> Q:
    return Q(closed_on__isnull=True) | Q(closed_on__gt=on)


def overdue_q(on: dt.date) -> Q:
    """THE definition of an overdue letter as of `on` (issue 16; docs/reports.md):
    issued on or before `on`, deadline before `on`, not handed in by `on`, in force on
    `on`, neither a draft nor an exemption. Home panel, list filter, participation and
    periodic reports all count with it."""
    return (
        Q(issued_on__lte=on, due_on__lt=on)
        & (Q(handed_in_on__isnull=True) | Q(handed_in_on__gt=on))
        & in_force_q(on)
        & ~Q(state__in=[Introduction.State.DRAFT, Introduction.State.EXEMPT])
    )
