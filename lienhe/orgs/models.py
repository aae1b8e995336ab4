"""The organization tree, administrative units and regulation parameters (Policy)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from lienhe.access.scoping import visible_organizations
from lienhe.text import fold


class AdminUnit(models.Model):
    """A post-2025 administrative unit (province/city, commune/ward/special zone)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        COMMUNE = "commune", _("Xã/phường/đặc khu")

    code = models.PositiveIntegerField(_("mã"), unique=True)
    name = models.CharField(_("tên"), max_length=120)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    division_type = models.CharField(_("loại"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        if self.parent_id and self.parent:
            return f"{self.name}, {self.parent.name}"
        return self.name


class OrganizationQuerySet(MP_NodeQuerySet):
    def in_subtree(self, org: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=org.path)

    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user) -> OrganizationQuerySet:
        return visible_organizations(user, self)


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrganizationQuerySet:
        # treebeard's manager returns its own queryset class; keep ours (and its order).
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """Any party organization node. Subtree queries are prefix queries on `path`."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Đảng bộ tỉnh/thành phố")
        DISTRICT = "district", _("Đảng bộ cấp huyện")
        BASE = "base", _("Đảng bộ cơ sở")
        CELL = "cell", _("Chi bộ")
        GROUP = "group", _("Tổ đảng")

    class Side(models.TextChoices):
        RESIDENCE = "residence", _("Nơi cư trú")
        WORKPLACE = "workplace", _("Nơi công tác")
        OTHER = "other", _("Khác")

    steplen = 4

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    # fold(name), kept by save() and by the bulk builders: the organization pickers
    # search it without diacritics (lienhe.orgs.selectors.search_organizations).
    search_name = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    side = models.CharField(_("khối"), max_length=10, choices=Side.choices, default=Side.OTHER)
    admin_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    is_remote = models.BooleanField(_("vùng sâu, vùng xa"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    meeting_day = models.PositiveSmallIntegerField(
        _("ngày sinh hoạt định kỳ hằng tháng"), null=True, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("đã hợp nhất vào"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild", "search_name"])

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        indexes = [models.Index(fields=["kind", "side"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def is_cell(self) -> bool:
        return self.kind == self.Kind.CELL

    def ancestor_paths(self) -> list[str]:
        """Paths of this node and all its ancestors, root first (no query)."""
        return [self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]


class Policy(models.Model):
    """One regulation parameter set at an organization from a date; inherited by the
    subtree until a deeper node or a later date overrides it. Keys and their cited
    defaults live in `lienhe.orgs.policy.PARAMETERS`."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), on_delete=models.CASCADE, related_name="policies"
    )
    key = models.CharField(_("tham số"), max_length=60)
    value = models.JSONField(_("giá trị"))
    effective_from = models.DateField(_("hiệu lực từ ngày"))
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("quy định")
        verbose_name_plural = _("quy định")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key", "effective_from"], name="policy_unique_per_date"
            )
        ]
        indexes = [models.Index(fields=["key", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.key}={self.value} @ {self.organization} ({self.effective_from})"
