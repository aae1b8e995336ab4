"""Recover background tasks whose worker died (issue 10).

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it
again: a worker killed mid-task (SIGKILL, OOM, power loss) leaves the task RUNNING
forever and the report/import never finishes. Lienhe adds:

- a heartbeat: inside `manage.py db_worker`, a daemon thread writes
  `TaskHeartbeat.beat_at` every HEARTBEAT seconds for the task this process runs;
- recovery: the same thread (at worker start-up, then every HEARTBEAT seconds) puts
  back in the queue every RUNNING task whose heartbeat (or start, if it never beat)
  is older than STALE seconds; after MAX_ATTEMPTS claims it is marked FAILED instead,
  so a task that kills its worker every time does not loop for ever.
  `manage.py recover_stale_tasks` and the daily jobs run the same step.

A recovered task runs again from the start, so tasks must be idempotent: reports
restart a RUNNING ReportRun, imports resume by state, and notifications carry a
`dedupe_key` so nobody gets the same message twice.

Tuning (settings, from the environment): LIENHE_TASK_HEARTBEAT_SECONDS (10), LIENHE_TASK_STALE_SECONDS
(90), LIENHE_TASK_MAX_ATTEMPTS (3)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger("lienhe.tasks")

_running: dict[str, str] = {}  # task id -> worker id, in this worker process
# Called as hook(requeued=[DBTaskResult], failed=[DBTaskResult], now=…) after each
# recovery, so a module can tell its users what happened (import jobs, issue 15).
recovery_hooks: list = []
_lock = threading.Lock()
_thread: threading.Thread | None = None


class WorkerLost(Exception):
    """Recorded as the failure of a task whose workers kept dying."""


def heartbeat_seconds() -> float:
    return float(settings.LIENHE_TASK_HEARTBEAT_SECONDS)


def stale_seconds() -> float:
    return float(settings.LIENHE_TASK_STALE_SECONDS)


def max_attempts() -> int:
    return int(settings.LIENHE_TASK_MAX_ATTEMPTS)


def _key(task_id) -> str:
    return str(uuid.UUID(str(task_id)))


def beat(task_id, worker_id: str) -> None:
    from .models import TaskHeartbeat

    TaskHeartbeat.objects.update_or_create(
        task_id=_key(task_id),
        defaults={"worker_id": worker_id[:64], "pid": os.getpid(), "beat_at": timezone.now()},
    )


def recover_stale_tasks(*, stale: float | None = None, now=None) -> dict[str, list[str]]:
    """Requeue (or fail, after too many attempts) RUNNING tasks with no recent
    heartbeat. Safe to run from several processes at once: each change is a
    conditional UPDATE on (status, started_at)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import TaskHeartbeat

    now = now or timezone.now()
    limit = now - timedelta(seconds=stale_seconds() if stale is None else stale)
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
            "id", "started_at", "worker_ids", "task_path", "args_kwargs"
        )
    )
    beats = dict(
        TaskHeartbeat.objects.filter(task_id__in=[_key(t.id) for t in running]).values_list(
            "task_id", "beat_at"
        )
    )
    done: dict[str, list[str]] = {"requeued": [], "failed": []}
    changed_tasks: dict[str, list] = {"requeued": [], "failed": []}
    for task in running:
        last = beats.get(_key(task.id)) or task.started_at
        if last is not None and last >= limit:
            continue  # alive (or just claimed)
        same = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        if len(task.worker_ids) >= max_attempts():
            changed = same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: worker stopped {len(task.worker_ids)} times "
                f"(workers {', '.join(task.worker_ids)})",
            )
            outcome = "failed"
        else:
            changed = same.update(status=TaskResultStatus.READY)
            outcome = "requeued"
        if changed:
            TaskHeartbeat.objects.filter(task_id=_key(task.id)).delete()
            done[outcome].append(_key(task.id))
            changed_tasks[outcome].append(task)
            logger.warning(
                "Task %s (%s) lost its worker (last sign %s): %s",
                task.id,
                task.task_path,
                last.isoformat() if last else "-",
                outcome,
            )
    if changed_tasks["requeued"] or changed_tasks["failed"]:
        for hook in recovery_hooks:
            hook(requeued=changed_tasks["requeued"], failed=changed_tasks["failed"], now=now)
    return done


def _on_started(sender, task_result, **kwargs) -> None:
    worker_id = (task_result.worker_ids or ["?"])[-1]
    with _lock:
        _running[_key(task_result.id)] = worker_id
    try:
        beat(task_result.id, worker_id)
    except Exception:  # the watcher thread retries; never fail the task for this
        logger.exception("Heartbeat failed")


def _on_finished(sender, task_result, **kwargs) -> None:
    from .models import TaskHeartbeat

    key = _key(task_result.id)
    with _lock:
        _running.pop(key, None)
    try:
        TaskHeartbeat.objects.filter(task_id=key).delete()
    except Exception:
        logger.exception("Heartbeat cleanup failed")


def _watch(stop: threading.Event) -> None:
    from django.apps import apps

    # Started from AppConfig.ready(): wait for every app to be ready before the first
    # query (Django warns "Accessing the database during app initialization").
    while not apps.ready and not stop.is_set():
        stop.wait(0.05)
    while not stop.is_set():
        try:
            with _lock:
                current = dict(_running)
            for task_id, worker_id in current.items():
                beat(task_id, worker_id)
            recover_stale_tasks()
        except Exception:  # database restarting, SQLite busy…: try again next round
            logger.exception("Task watch round failed")
        finally:
            close_old_connections()
            connection.close()
        stop.wait(heartbeat_seconds())


def start_watch() -> threading.Thread:
    """Connect the heartbeat signals and start the watcher thread (once)."""
    global _thread
    from django.tasks.signals import task_finished, task_started

    task_started.connect(_on_started, dispatch_uid="lienhe-task-heartbeat-start")
    task_finished.connect(_on_finished, dispatch_uid="lienhe-task-heartbeat-finish")
    if _thread is None:
        _thread = threading.Thread(
            target=_watch, args=(threading.Event(),), name="lienhe-task-watch", daemon=True
        )
        _thread.start()
    return _thread


def is_worker_process(argv: list[str] | None = None) -> bool:
    argv = sys.argv if argv is None else argv
    return len(argv) > 1 and argv[1] == "db_worker"
