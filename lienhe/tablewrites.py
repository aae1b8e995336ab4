"""A version per database table, new after every INSERT, UPDATE or DELETE on it that
goes through Django's connections (issue 21): a cached piece keyed by the versions of
the tables it reads is never served after one of them changed.

Watching the SQL, not the models' signals, is what makes it total: `QuerySet.update()`,
`bulk_create`, the deletes of a cascade, treebeard's raw moves and our own raw
statements all pass through the connection's execute wrappers, and none of them sends
`post_save`. Only the demo's bulk COPY bypasses them; it rebuilds the summaries, which
bumps the generation (`summaries.cache.GENERATION`) that every versioned key also reads.

The version is written at each write (a read later in the same transaction, or in a
test, which never commits) and again when the transaction commits, once per table: a
page another process rendered between the write and the commit from the old rows is
not kept under the new version."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

# A version is kept for every table (a background job's process never imports the
# views that read them) but the database cache's own, whose writes are the versions,
# and the bookkeeping no list shows, written many times by every write (summary
# counters, history, audit, notifications, sessions, tasks): a version costs a cache
# round trip (~0,2 ms). `is_versioned` guards the lists' declarations.
_UNVERSIONED: set[str] = set()
UNVERSIONED_PREFIXES = ("summaries_", "audit_", "notify_", "django_", "axes_", "otp_")

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_GENERATION = "summ:gen"  # summaries.cache.GENERATION (not imported: models not loaded yet)


def _key(table: str) -> str:
    return f"tblv:{table}"


def tables_of(*models) -> list[str]:
    return [model._meta.db_table for model in models]


def is_versioned(table: str) -> bool:
    return not (
        table in _UNVERSIONED or table.startswith(UNVERSIONED_PREFIXES) or "_historical" in table
    )


def versions(tables: Iterable[str]) -> str:
    """The current versions of `tables` and of the generation, as one string (one cache
    read)."""
    keys = [_GENERATION, *(_key(t) for t in sorted(tables))]
    found = cache.get_many(keys)
    return "|".join(f"{k}={found.get(k, '0')}" for k in keys)


def bump(tables: Iterable[str]) -> None:
    token = uuid.uuid4().hex[:12]
    try:
        cache.set_many({_key(t): token for t in tables}, timeout=None)
    except Exception:  # the cache down must not fail the write; its readers fail too
        log.warning("table versions not written: %s", ", ".join(tables), exc_info=True)


def _written(connection, table: str) -> None:
    bump([table])  # at once: a read later in this same transaction sees the new rows
    if not connection.in_atomic_block:
        return  # autocommit: the statement has committed
    # Again at commit, once per table and transaction. The transaction's list of commit
    # callbacks is a new object after every commit or rollback, so it tells this
    # transaction's tables from the previous one's.
    state = connection.__dict__.get("_lienhe_written")
    if state is None or state[0] is not connection.run_on_commit:
        state = (connection.run_on_commit, set())
        connection.__dict__["_lienhe_written"] = state
    if table not in state[1]:
        state[1].add(table)
        transaction.on_commit(_at_commit(table), using=connection.alias)


def _at_commit(table: str):
    def bump_at_commit():
        bump([table])

    bump_at_commit.table_version = True
    return bump_at_commit


def is_version_callback(func) -> bool:
    """Whether a commit callback is one of ours (tests counting their own callbacks
    leave these out)."""
    return getattr(func, "table_version", False)


def _make_wrapper(connection):
    def record_writes(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql) if isinstance(sql, str) else None
        if match and is_versioned(match.group(1)):
            _written(connection, match.group(1))
        return result

    record_writes.lienhe_table_writes = True
    return record_writes


def install(connection, **kwargs) -> None:
    """`connection_created` receiver (and for the connections already open): watch the
    connection's writes."""
    if not _UNVERSIONED:
        from django.conf import settings

        _UNVERSIONED.update(
            c["LOCATION"]
            for c in settings.CACHES.values()
            if c["BACKEND"].endswith("DatabaseCache")
        )
        _UNVERSIONED.add("-")  # not empty: computed once
    if not any(getattr(w, "lienhe_table_writes", False) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_make_wrapper(connection))
