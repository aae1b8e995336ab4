"""`log_action`: call it inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def log_action(
    obj: models.Model,
    action: str,
    *,
    actor=None,
    data: dict[str, Any] | None = None,
    organization_path: str = "",
) -> AuditEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        organization_path=organization_path,
        data=data or {},
    )


def events_for(obj: models.Model):
    """State changes of `obj` (reads recorded by `record_access` are left out)."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .exclude(action__startswith="privacy.")
        .select_related("actor")
    )


def record_access(user, what: str, scope, *, count: int | None = None) -> AuditEvent:
    """Record a read of personal data: an export (`what="export"`) or a full
    dossier view (`what="dossier"`). `scope` is the object looked at (a member, an
    organization) or a description of the filter (str/dict)."""
    if isinstance(scope, models.Model):
        object_type, object_id = scope._meta.label_lower, str(scope.pk)
        org = getattr(scope, "organization", None)
        path = getattr(org, "path", "") or getattr(scope, "path", "") or ""
        described = str(scope.pk)
    else:
        object_type, object_id, path = "scope", "", ""
        described = scope
    data: dict[str, Any] = {"scope": described}
    if count is not None:
        data["count"] = count
    return AuditEvent.objects.create(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=f"privacy.{what}",
        object_type=object_type,
        object_id=object_id,
        organization_path=path,
        data=data,
    )
