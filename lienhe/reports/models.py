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
    def period_label(self) -> str:
        """ "6 tháng đầu năm 2026" rather than the code "2026-H1"."""
        from .periodic import parse_period

        try:
            return parse_period(self.period).label
        except ValueError:
            return self.period

    @property
    def percent(self) -> int:
        return int(100 * self.done_steps / self.total_steps) if self.total_steps else 0


class FeeMonthTotal(models.Model):
    """Party fees due and paid per organization and month — a summary of the away
    module's FeeDue/FeePayment rows (twelve rows per member a year) so the periodic
    report sums a few hundred thousand rows at national scale instead of tens of
    millions. Kept exact by `lienhe.reports.summaries`, called in the same transaction
    as each fee write; `manage.py rebuild_report_summaries` rebuilds it from the rows
    (after bulk loads)."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    due = models.BigIntegerField(default=0)
    paid = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="fee_total_org_month")
        ]
        indexes = [models.Index(fields=["month", "organization"])]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month}: {self.paid}/{self.due}"
