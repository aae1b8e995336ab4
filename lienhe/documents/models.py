"""Register of numbered documents (số văn bản) per issuing organization and year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentNumber(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="document_numbers",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại văn bản"), max_length=20)  # e.g. "GGT", "QĐ", "BC"
    number = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("ký hiệu"), max_length=60)  # e.g. "GGT/ĐU"
    title = models.CharField(_("trích yếu"), max_length=255, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    issued_on = models.DateField(_("ngày ban hành"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("số văn bản")
        verbose_name_plural = _("sổ văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "kind", "number"], name="document_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return f"{self.number}-{self.symbol}"


class ExportJob(models.Model):
    """An export above `EXPORT_SYNC_LIMIT` rows, written by the worker
    (`lienhe.documents.export_jobs`): progress while it runs, then the file to
    download. The file is kept in the database (like an import's upload), so any
    app process can serve it; `documents.exports.cleanup` removes old ones daily."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang ghi tệp")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("tệp xuất"), max_length=255)
    exporter = models.CharField(max_length=100)
    permission = models.CharField(max_length=40)
    # The request replayed by the worker: the export view's path and its GET query.
    path = models.CharField(max_length=500)
    query = models.JSONField(default=dict, blank=True)
    fmt = models.CharField(max_length=4, default="xlsx")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=120, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp xuất chạy nền")
        verbose_name_plural = _("tệp xuất chạy nền")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.state})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("documents:export_job", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0

    @property
    def content_type(self) -> str:
        if self.fmt == "csv":
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
