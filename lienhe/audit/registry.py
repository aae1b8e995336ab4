"""What the audit module plugs into the rest of the system (`register_all`, called from
`AuditConfig.ready`, through `lienhe.registry.register`): the daily job that requeues
tasks whose worker died (belt and braces beside the worker's own watch)."""

from __future__ import annotations

from lienhe import registry

from . import taskwatch


def recover_stale_tasks(today) -> int:
    """Requeue (or fail) the stale tasks; how many were touched."""
    return sum(len(names) for names in taskwatch.recover_stale_tasks().values())


def register_all() -> None:
    registry.register(registry.DailyJob("audit.recover_stale_tasks", recover_stale_tasks))
