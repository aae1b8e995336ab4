"""API tokens (stored hashed) and background import jobs with their progress."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "lh_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def visible_to(self, user) -> ApiTokenQuerySet:
        """A user sees and revokes only their own tokens."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class ApiToken(models.Model):
    """A personal access token. Only the SHA-256 of the secret is kept; the secret is
    shown once at creation. The token acts with its owner's rights, nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("mở đầu"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


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
