"""Background report runs: progress shown while a large subtree is computed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tính")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=10)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done_steps = models.PositiveSmallIntegerField(default=0)
    total_steps = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần tạo báo cáo")
        verbose_name_plural = _("lần tạo báo cáo")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} {self.period} ({self.state})"

    @property
    def percent(self) -> int:
        return int(100 * self.done_steps / self.total_steps) if self.total_steps else 0
