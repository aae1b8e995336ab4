"""Party members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lienhe.orgs.models import AdminUnit, Organization
from lienhe.text import fold, nfc

from .validators import (
    normalize_card_number,
    normalize_phone,
    validate_card_number,
    validate_citizen_id,
    validate_phone,
)


def search_q(text: str, *, name: str = "search_name", member: str = "") -> models.Q | None:
    """The member search as a condition (None for a blank text): the folded text in the
    folded name, or, for 4 digits or more, the start of the card number or phone.
    `member` is the path to the member from another model ("member__"); `name` the
    folded name to test: a row carrying its member's copy tests its own column
    ("member_search_name", lienhe.members.names) instead of joining every member."""
    folded = fold(text)
    if not folded:
        return None
    query = models.Q(**{f"{name}__contains": folded})
    digits = normalize_card_number(text)
    if digits.isdigit() and len(digits) >= 4:
        query |= models.Q(**{f"{member}card_number__startswith": digits}) | models.Q(
            **{f"{member}phone__startswith": normalize_phone(text)}
        )
    return query


class MemberQuerySet(models.QuerySet):
    def in_subtree(self, org: Organization) -> MemberQuerySet:
        return self.filter(organization__path__startswith=org.path)

    def search(self, text: str) -> MemberQuerySet:
        """Diacritic-insensitive search on name, card number and phone."""
        query = search_q(text)
        return self if query is None else self.filter(query)

    def visible_to(self, user) -> MemberQuerySet:
        from lienhe.access.scoping import visible_members

        return visible_members(user, self)


class Member(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang sinh hoạt")
        EXEMPTED = "exempted", _("Tạm miễn sinh hoạt")
        TRANSFERRED = "transferred", _("Đã chuyển sinh hoạt đi")
        DECEASED = "deceased", _("Đã từ trần")
        EXPELLED = "expelled", _("Đã khai trừ/xóa tên")

    card_number = models.CharField(
        _("số thẻ đảng viên"), max_length=12, unique=True, validators=[validate_card_number]
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=6, choices=Gender.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, default="Kinh")
    citizen_id = models.CharField(
        _("số CCCD"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_citizen_id],
    )
    phone = models.CharField(
        _("điện thoại"), max_length=15, blank=True, db_index=True, validators=[validate_phone]
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    home_address = models.CharField(_("địa chỉ nơi cư trú"), max_length=255, blank=True)
    home_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("xã/phường nơi cư trú"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    joined_on = models.DateField(_("ngày vào Đảng"))
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("chi bộ sinh hoạt chính thức"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    is_working = models.BooleanField(_("đảng viên đang công tác"), default=False)
    employer = models.CharField(_("cơ quan, đơn vị công tác"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_name", "updated_at"])

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["search_name", "id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "is_working"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name).strip()
        self.search_name = fold(self.full_name)
        self.card_number = normalize_card_number(self.card_number)
        self.phone = normalize_phone(self.phone)
        if self.citizen_id == "":
            self.citizen_id = None
        adding = self._state.adding
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        renamed = self.search_name != getattr(self, "_stored_search_name", None)
        if not adding and renamed and (fields is None or "full_name" in fields):
            # A rename: the letters and comments searched by the member's name carry a
            # copy of it, renamed in the same transaction (issue 21).
            from .names import copy_member_names

            copy_member_names([self.pk])
        self._stored_search_name = self.search_name

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        member = super().from_db(db, field_names, values, **kwargs)
        # The folded name as stored, to know on save whether it changed (deferred: None).
        member._stored_search_name = member.__dict__.get("search_name")
        return member

    @property
    def given_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1]


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """Each user follows their own uploads."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class ImportJob(models.Model):
    """One upload being checked (dry run) and then committed by a background task.
    The file is kept in the row so any worker process can read it."""

    class Kind(models.TextChoices):
        MEMBERS = "members", _("Đảng viên")
        ORGS = "orgs", _("Cây tổ chức đảng")

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Đã tải lên, chờ xác nhận cột")
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Đã kiểm tra")
        COMMITTING = "committing", _("Đang ghi vào cơ sở dữ liệu")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Không nhập được")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("nhập vào tổ chức"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("loại dữ liệu"), max_length=10, choices=Kind.choices)
    filename = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(editable=False)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=State.choices, default=State.UPLOADED)
    phase = models.CharField(max_length=120, blank=True)
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt nhập dữ liệu")
        verbose_name_plural = _("lượt nhập dữ liệu")
        ordering = ["-created_at", "-id"]
        # Moved from the api app (issue 18): the table keeps its name, no data moves.
        db_table = "api_importjob"

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if not self.total:
            return 0 if self.state in (self.State.CHECKING, self.State.COMMITTING) else 100
        return min(100, int(self.processed * 100 / self.total))

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.COMMITTING)

    def touch(self, *, phase: str | None = None, processed: int | None = None) -> None:
        if phase is not None:
            self.phase = phase
        if processed is not None:
            self.processed = processed
        self.updated_at = timezone.now()
        type(self).objects.filter(pk=self.pk).update(
            phase=self.phase, processed=self.processed, total=self.total, updated_at=self.updated_at
        )
