"""Petitions (kiến nghị, đề xuất) and pressing local issues (vấn đề bức xúc): where they
come from, which agency answers them, their timeline and clusters of the same issue."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.audit.softdelete import AliveManager, SoftDeleteModel, SoftDeleteQuerySet
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.text import fold, nfc


class Category(models.Model):
    """Configurable taxonomy (land, infrastructure, environment, …); edited in admin."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=120)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực kiến nghị")
        verbose_name_plural = _("lĩnh vực kiến nghị")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet):
    def handled_by(self, user) -> AgencyQuerySet:
        """Agencies whose petitions `user` answers (see docs/petitions.md, "agency
        scoping"): listed as a handler, or holding `petitions:handle` at (an ancestor
        of) the agency's party organization."""
        from lienhe.access.scoping import paths_with, subtree_q

        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = Q(handlers=user) | subtree_q(paths_with(user, "petitions:handle"), "organization__path")
        return self.filter(q).distinct()


class Agency(models.Model):
    """A government department, mass organisation or committee that answers petitions."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        LOCAL = "local", _("Ủy ban nhân dân cấp xã")
        MASS = "mass", _("Mặt trận, đoàn thể")
        COMMITTEE = "committee", _("Cơ quan của cấp ủy")
        COMPANY = "company", _("Doanh nghiệp cung ứng dịch vụ")

    name = models.CharField(_("tên cơ quan"), max_length=200, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức đảng của cơ quan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petition_agencies",
        help_text=_("Cán bộ có vai trò xử lý kiến nghị tại tổ chức này thấy các kiến nghị."),
    )
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản xử lý"),
        blank=True,
        related_name="petition_agencies",
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    is_active = models.BooleanField(_("đang tiếp nhận"), default=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True, default="")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan giải quyết")
        verbose_name_plural = _("cơ quan giải quyết")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name).strip()
        self.search_name = fold(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)


class Cluster(models.Model):
    """Near-duplicate petitions from several cells: the same road, the same policy."""

    title = models.CharField(_("vấn đề chung"), max_length=255)
    category = models.ForeignKey(
        Category, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    size = models.PositiveIntegerField(_("số kiến nghị"), default=0)
    cells = models.PositiveIntegerField(_("số chi bộ"), default=0)
    people = models.PositiveIntegerField(_("số người liên quan"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cụm kiến nghị trùng")
        verbose_name_plural = _("cụm kiến nghị trùng")
        ordering = ["-size", "-updated_at"]

    def __str__(self) -> str:
        return self.title


def reader_paths(user) -> list[str]:
    """The subtrees whose petitions `user` reads as a read role (agency handlers read
    only their agencies' petitions, not a subtree)."""
    from lienhe.access.permissions import ROLE_PERMISSIONS
    from lienhe.access.scoping import grants

    return sorted(
        {
            g.path
            for g in grants(user)
            if g.role != "agency_handler" and "petitions:read" in ROLE_PERMISSIONS.get(g.role, ())
        }
    )


class PetitionQuerySet(SoftDeleteQuerySet):
    def in_subtree(self, org: Organization) -> PetitionQuerySet:
        return self.filter(organization__path__startswith=org.path)

    def visible_to(self, user) -> PetitionQuerySet:
        """The one scope (docs/petitions.md): read roles (not agency handlers) see the
        petitions raised in their subtree; handlers see only the petitions assigned
        to their agencies; a member or visitor sees the ones they raised or heard."""
        from lienhe.access.permissions import ROLE_PERMISSIONS
        from lienhe.access.scoping import grants, subtree_q

        if getattr(user, "is_superuser", False):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = subtree_q(reader_paths(user), "organization__path") | Q(raised_by_user=user)
        if any("petitions:handle" in ROLE_PERMISSIONS.get(g.role, ()) for g in grants(user)) or (
            user.petition_agencies.exists()
        ):
            q |= Q(agency__in=Agency.objects.handled_by(user).values("pk"))
        return self.filter(q)

    def search(self, text: str) -> PetitionQuerySet:
        folded = fold(text)
        if not folded:
            return self
        if folded.lstrip("#").isdigit():
            return self.filter(Q(pk=int(folded.lstrip("#"))) | Q(search_text__contains=folded))
        q = Q()
        for word in folded.split()[:6]:
            q &= Q(search_text__contains=word)
        return self.filter(q)

    def open(self) -> PetitionQuerySet:
        return self.filter(state__in=Petition.OPEN_STATES)

    def overdue(self, today: dt.date | None = None) -> PetitionQuerySet:
        today = today or timezone.localdate()
        return self.filter(state__in=Petition.WAITING_STATES, due_on__lt=today)


class Petition(SoftDeleteModel, models.Model):
    class State(models.TextChoices):
        NEW = "new", _("Mới tiếp nhận")
        ASSIGNED = "assigned", _("Đã chuyển cơ quan")
        IN_PROGRESS = "in_progress", _("Đang giải quyết")
        ANSWERED = "answered", _("Đã trả lời")
        CLOSED = "closed", _("Đã kết thúc")
        REOPENED = "reopened", _("Mở lại")

    class Source(models.TextChoices):
        MINUTES = "minutes", _("Biên bản sinh hoạt chi bộ")
        VISIT = "visit", _("Báo cáo dự sinh hoạt của cấp ủy viên")
        SELF = "self", _("Đảng viên tự gửi")
        STAFF = "staff", _("Cán bộ nhập")

    class RaisedBy(models.TextChoices):
        CELL = "cell", _("Chi bộ")
        MEMBER = "member", _("Đảng viên")
        VISITOR = "visitor", _("Cấp ủy viên dự sinh hoạt")
        CITIZEN = "citizen", _("Nhân dân")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Bình thường")
        HIGH = "high", _("Cao")
        URGENT = "urgent", _("Khẩn")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Chi bộ đồng ý với trả lời")
        SPLIT = "split", _("Đã tách thành các kiến nghị khác")
        MERGED = "merged", _("Đã gộp vào kiến nghị khác")
        WITHDRAWN = "withdrawn", _("Rút kiến nghị")

    OPEN_STATES = ("new", "assigned", "in_progress", "reopened")
    WAITING_STATES = ("assigned", "in_progress", "reopened")  # waiting for the agency

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("chi bộ/tổ chức nêu kiến nghị"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    admin_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("xã/phường nơi phát sinh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("địa điểm cụ thể"), max_length=255, blank=True)
    summary = models.CharField(_("nội dung tóm tắt"), max_length=255)
    details = models.TextField(_("nội dung chi tiết"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="petitions"
    )
    people_count = models.PositiveIntegerField(_("số người liên quan"), default=1)
    priority = models.CharField(
        _("mức độ"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    raised_by_kind = models.CharField(
        _("người/nơi nêu"), max_length=8, choices=RaisedBy.choices, default=RaisedBy.CELL
    )
    raised_by_name = models.CharField(_("họ tên người nêu"), max_length=120, blank=True)
    raised_by_member = models.ForeignKey(
        "members.Member",
        verbose_name=_("đảng viên nêu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản nêu/nghe kiến nghị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_petitions",
    )
    source_type = models.CharField(_("nguồn"), max_length=8, choices=Source.choices)
    source_id = models.CharField(_("mã nguồn"), max_length=40, blank=True)
    received_on = models.DateField(_("ngày tiếp nhận"), default=timezone.localdate)
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=State.choices, default=State.NEW
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan giải quyết"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    assigned_on = models.DateField(_("ngày chuyển"), null=True, blank=True)
    due_on = models.DateField(_("hạn trả lời"), null=True, blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_late = models.BooleanField(default=False, editable=False)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0, editable=False)
    escalated_on = models.DateField(_("báo cáo cấp trên ngày"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Organization,
        verbose_name=_("đã báo cáo cấp ủy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cụm vấn đề chung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
    )
    keep_apart = models.BooleanField(
        _("không tự xếp cụm"), default=False, help_text=_("Cán bộ đã tách khỏi cụm.")
    )
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="split_parts"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_petitions"
    )
    search_text = models.TextField(editable=False, default="")
    tokens = models.CharField(max_length=400, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Soft-deleted rows (issue 10) are hidden by default; all_objects sees them.
    objects = AliveManager.from_queryset(PetitionQuerySet)()
    all_objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["category", "received_on"]),
            models.Index(fields=["agency", "state"]),
            models.Index(fields=["organization", "answered_at"]),
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["received_on", "id"]),  # the list's order (issue 21)
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    def save(self, *args, **kwargs):
        from .similarity import signature

        self.summary = nfc(self.summary).strip()
        self.details = nfc(self.details).strip()
        self.search_text = fold(f"{self.summary} {self.place} {self.raised_by_name}")
        self.tokens = signature(self.summary)[:400]
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.state in self.WAITING_STATES and self.due_on and self.due_on < today)

    @property
    def state_css(self) -> str:
        return {
            "new": "warn",
            "answered": "ok",
            "closed": "ok",
            "reopened": "danger",
        }.get(self.state, "")


class PetitionEvent(models.Model):
    """One step of the timeline (who, when, what), shown to everyone who sees the
    petition. The audit log keeps the same change for the auditors."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tiếp nhận")
        EDITED = "edited", _("Sửa nội dung")
        ASSIGNED = "assigned", _("Chuyển cơ quan giải quyết")
        TRANSFERRED = "transferred", _("Chuyển sang cơ quan khác")
        STARTED = "started", _("Cơ quan nhận xử lý")
        ANSWERED = "answered", _("Cơ quan trả lời")
        CLOSED = "closed", _("Chi bộ đồng ý, kết thúc")
        REOPENED = "reopened", _("Chi bộ chưa đồng ý, mở lại")
        ESCALATED = "escalated", _("Quá hạn, báo cáo cấp ủy cấp trên")
        SPLIT = "split", _("Tách kiến nghị")
        MERGED = "merged", _("Gộp kiến nghị")
        CLUSTERED = "clustered", _("Xếp vào cụm vấn đề chung")
        UNCLUSTERED = "unclustered", _("Tách khỏi cụm")
        ATTACHED = "attached", _("Đính kèm tệp")
        REPORTED = "reported", _("Đưa vào chương trình sinh hoạt để thông báo")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["petition", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y}"


def _upload_to(instance, filename: str) -> str:
    today = timezone.localdate()
    return f"petitions/{today:%Y/%m}/{instance.petition_id}-{filename}"


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=_upload_to, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=200)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
