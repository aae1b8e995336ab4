"""Who did what, when: one row per state change, written in the same transaction."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    organization_path = models.CharField(max_length=255, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class RecordSeal(models.Model):
    """One link of a hash chain per (organization, year). A sealed record's content
    hash is recomputed by `verify_records` from the live row; the chain makes a
    quiet edit of the seals themselves visible too."""

    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    organization_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(auto_now_add=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người niêm phong"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("niêm phong hồ sơ")
        verbose_name_plural = _("niêm phong hồ sơ")
        ordering = ["organization_path", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization_path", "year", "sequence"], name="seal_chain_position"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} @{self.organization_path}/{self.year}"


class TaskHeartbeat(models.Model):
    """A background task in progress says it is alive (see `lienhe.audit.taskwatch`):
    django-tasks-db leaves the task of a killed worker RUNNING forever, so a task
    whose heartbeat stopped is put back in the queue by the next worker."""

    task_id = models.CharField(max_length=64, primary_key=True)
    worker_id = models.CharField(max_length=64)
    pid = models.PositiveIntegerField(default=0)
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("nhịp tác vụ nền")
        verbose_name_plural = _("nhịp tác vụ nền")

    def __str__(self) -> str:
        return f"{self.task_id} {self.beat_at:%H:%M:%S}"
