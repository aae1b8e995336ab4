"""Per-organization counters (issue 21): what home panels, red flags, list headers and
reports count, kept up to date by the services that change it (docs/scaling.md).

One row is one counter of ONE organization (never of a subtree): a subtree figure is
the sum of the rows whose organization's path starts with the subtree's path, so moving
a subtree changes no row and a province's figure costs one indexed aggregate over its
organizations' rows (a few per organization), not a scan of members or letters.

- `day` is NULL for a plain count ("members.active" = 37).
- A dated counter ("letters.overdue_members") is stored as changes by day: +1 on the
  day an item starts counting, -1 on the day it stops. Its value on any date `on` is
  the sum of the rows with `day <= on`, so it is right on the day it is read (and for
  a past date) without a nightly roll."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe.orgs.models import Organization


class OrgCounter(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("tổ chức")
    )
    key = models.CharField(_("chỉ số"), max_length=60)
    day = models.DateField(_("ngày thay đổi"), null=True, blank=True)
    value = models.BigIntegerField(_("giá trị"), default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        indexes = [
            models.Index(fields=["organization", "key"], name="summaries_org_key"),
            models.Index(fields=["key", "day"], name="summaries_key_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.key} {self.day or ''} = {self.value}"
