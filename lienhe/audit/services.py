"""`log_action`: call it inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from django.db import connections, models, router
from django.utils import timezone

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
    event = AuditEvent(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=f"privacy.{what}",
        object_type=object_type,
        object_id=object_id,
        organization_path=path,
        data=data,
    )
    connection = connections[router.db_for_write(AuditEvent)]
    if (
        connection.vendor == "postgresql"
        and connection.get_autocommit()
        and not connection.in_atomic_block
    ):
        _insert_without_flush_wait(event, connection)
    else:
        event.save(force_insert=True)
    return event


def _insert_without_flush_wait(event: AuditEvent, connection) -> None:
    """INSERT a read record in its own transaction without waiting for the disk flush of
    its commit (`synchronous_commit = off` for that transaction only): the wait was 2–10 ms
    of every dossier view (issue 21), for a row a crash of PostgreSQL itself could lose
    within the next fraction of a second at worst (never half-written, never the data
    read). The setting is made in the statement itself (`set_config(…, true)` in
    RETURNING: it lasts until that statement's autocommit ends), so it costs no query
    and touches no other transaction; only called outside any `atomic` block."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    event.created_at = timezone.now()  # what auto_now_add would give
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}, set_config('synchronous_commit', 'off', true)".format(
        quote(AuditEvent._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        quote(AuditEvent._meta.pk.column),
    )
    params = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias
