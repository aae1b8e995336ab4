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
