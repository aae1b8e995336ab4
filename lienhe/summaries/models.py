"""Per-organization counters (issue 21): what home panels, red flags, list headers and
reports count, kept up to date by the services that change it (docs/scaling.md).

`OrgCounter`: one counter of ONE organization, recounted from the source tables.
`SubtreeCounter`: the same counters summed over each organization's subtree, so a
province's figure reads a few rows of the province (one per key, one per day for dated
keys), not the rows of its thousands of organizations.

- `day` is NULL for a plain count ("members.active" = 37).
- A dated counter ("letters.overdue_members") is stored as changes by day: +1 on the
  day an item starts counting, -1 on the day it stops. Its value on any date `on` is
  the sum of the rows with `day <= on`, so it is right on the day it is read (and for
  a past date) without a nightly roll."""

import datetime

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


# `SubtreeCounter.day` of a plain (undated) counter: a real date so that one unique
# constraint covers every row on SQLite and PostgreSQL alike (NULLs are distinct in
# both) and "day <= on" reads plain and dated keys in one condition.
PLAIN_DAY = datetime.date(1, 1, 1)


class SubtreeCounter(models.Model):
    """The roll-up of `OrgCounter` over an organization's whole subtree (itself
    included): a subtree figure is one row per key (per day for dated keys) of the
    subtree's root, however many organizations it holds (docs/scaling.md).

    Keyed by the ancestor's id, not its path: a subtree move changes only the rows of
    the ancestors it leaves and joins (`services.subtree_moved`), never the moved ones.
    Kept by `services.refresh` (deltas added atomically, `INSERT … ON CONFLICT`), the
    rebuild and the nightly check. `day` is `PLAIN_DAY` for plain counters."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("tổ chức"),
        db_index=False,  # the unique (organization, key, day) index serves it
    )
    key = models.CharField(_("chỉ số"), max_length=60)
    day = models.DateField(_("ngày thay đổi"), default=PLAIN_DAY)
    value = models.BigIntegerField(_("giá trị"), default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo cây")
        verbose_name_plural = _("số liệu tổng hợp theo cây")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key", "day"], name="summaries_subtree_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.key} {self.day} = {self.value} (subtree)"
