"""Send report reads to a PostgreSQL read replica when one is configured.

Only code wrapped in `replica_reads()` (report pages, background report runs) reads
from the replica; everything else — writes, and pages that must show the user's own
writes at once — stays on the primary. Without `DATABASE_REPLICA_URL` this is a no-op."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from functools import wraps

from django.db import connections

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("lienhe_replica", default=False)
REPLICA = "replica"


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def reads_from_replica(view):
    """Decorator for report views."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def __init__(self, aliases=None):
        self._aliases = aliases

    def _has_replica(self) -> bool:
        aliases = self._aliases if self._aliases is not None else connections.databases
        return REPLICA in aliases

    def db_for_read(self, model, **hints):
        if _use_replica.get() and self._has_replica():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # same data on both: relations across aliases are fine

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
