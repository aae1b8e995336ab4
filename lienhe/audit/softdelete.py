"""Soft deletion for important records: the row stays, marked with who/when/why, and
can be restored. Add the mixin to a model and use the services:

    class Petition(SoftDeleteModel, models.Model): ...
    Petition.objects.alive()            # default lists
    soft_delete(p, actor=user, reason="Nhập trùng", summary="petitions", error=PetitionError)
    restore(p, actor=user, summary="petitions", error=PetitionError)

`summary` names the counter family of `lienhe.summaries` the record counts in (recounted
for its organization inside the same transaction); `error` is the module's typed error
raised instead of `SoftDeleteError`, so a module's delete/restore is one call.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.summaries import hooks as summary_hooks

from .services import log_action


class SoftDeleteError(Exception):
    pass


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager):
    """Default manager of a soft-deletable model: deleted rows are hidden everywhere
    the model is queried by default (lists, reports, API, jobs, reverse relations).
    Declare an unfiltered manager too for the "Đã xóa" page and restore:

        objects = AliveManager.from_queryset(MeetingQuerySet)()
        all_objects = MeetingQuerySet.as_manager()

    Related access (`attendance.meeting`) goes through the base manager and still
    works; joins from child tables must filter `<fk>__deleted_at__isnull=True`."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    deleted_at = models.DateTimeField(gettext_lazy("xóa lúc"), null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("người xóa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delete_reason = models.CharField(gettext_lazy("lý do xóa"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def _org_path(obj) -> str:
    org = getattr(obj, "organization", None)
    return getattr(org, "path", "") or ""


def _summary_changed(obj: SoftDeleteModel, summary: str | None) -> None:
    if summary:
        summary_hooks.changed(summary, [obj.organization_id])  # issue 21


@transaction.atomic
def soft_delete(
    obj: SoftDeleteModel,
    *,
    actor,
    reason: str,
    summary: str | None = None,
    error: type[Exception] = SoftDeleteError,
) -> SoftDeleteModel:
    """Mark `obj` deleted (who/when/why) with an audit row; recount the `summary`
    family of its organization; refusals raise `error`."""
    reason = (reason or "").strip()
    if not reason:
        raise error(_("Hãy ghi lý do xóa."))
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if current.deleted_at is not None:
        raise error(_("Hồ sơ này đã bị xóa trước đó."))
    current.deleted_at = timezone.now()
    current.deleted_by = actor if getattr(actor, "is_authenticated", False) else None
    current.delete_reason = reason[:255]
    current.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    log_action(
        current,
        f"{current._meta.label_lower}.deleted",
        actor=actor,
        organization_path=_org_path(current),
        data={"reason": reason},
    )
    _summary_changed(current, summary)
    return current


@transaction.atomic
def restore(
    obj: SoftDeleteModel,
    *,
    actor,
    summary: str | None = None,
    error: type[Exception] = SoftDeleteError,
) -> SoftDeleteModel:
    """Undo `soft_delete` with an audit row; recount the `summary` family; refusals
    raise `error`."""
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if current.deleted_at is None:
        raise error(_("Hồ sơ này chưa bị xóa."))
    data = {"deleted_at": current.deleted_at.isoformat(), "reason": current.delete_reason}
    current.deleted_at = None
    current.deleted_by = None
    current.delete_reason = ""
    current.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    log_action(
        current,
        f"{current._meta.label_lower}.restored",
        actor=actor,
        organization_path=_org_path(current),
        data=data,
    )
    _summary_changed(current, summary)
    return current
