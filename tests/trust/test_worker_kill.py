"""Worker killed mid-job (issue 10): a real `manage.py db_worker` process runs a task
that notifies users; it is killed with SIGKILL in the middle; a new worker must
requeue the task (Lienhe's heartbeat, lienhe/audit/taskwatch.py — django-tasks-db
alone leaves it RUNNING for ever), run it to the end, and nobody is notified twice.

On SQLite the test database (in memory) is copied to a file with VACUUM INTO so a
subprocess can open it; on PostgreSQL the worker uses the test database itself."""

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lienhe.audit import taskwatch
from lienhe.audit.models import TaskHeartbeat
from lienhe.notify.models import Notification

from .worker_tasks import notify_then_wait

ROOT = Path(__file__).resolve().parents[2]
TASKS = DBTaskResult._meta.db_table
NOTES = Notification._meta.db_table


class Database:
    """The database the worker subprocesses use, and raw reads of it."""

    def __init__(self, tmp_path: Path):
        self.sqlite_file = None
        if connection.vendor == "sqlite":
            self.sqlite_file = tmp_path / "worker.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM INTO '{self.sqlite_file}'")
            self.url = f"sqlite:///{self.sqlite_file}"
        elif connection.vendor == "postgresql":
            s = connection.settings_dict
            auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
            self.url = (
                f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )
        else:
            pytest.skip(f"no subprocess access to a {connection.vendor} test database")

    def rows(self, sql: str) -> list[tuple]:
        if self.sqlite_file:
            with sqlite3.connect(self.sqlite_file, timeout=20) as db:
                return db.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def task_status(self, task_id: str) -> str:
        key = task_id.replace("-", "") if self.sqlite_file else task_id
        found = self.rows(f"SELECT status FROM {TASKS} WHERE id = '{key}'")
        return found[0][0] if found else ""


def start_worker(db: Database, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_REPLICA_URL", "DATABASE_URL"}}
    env.update(
        DATABASE_URL=db.url,
        DJANGO_SETTINGS_MODULE="lienhe.settings",
        LIENHE_TASK_HEARTBEAT_SECONDS="0.3",
        LIENHE_TASK_STALE_SECONDS="2",
    )
    args = [
        "db_worker",
        "--skip-checks",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "-v",
        "2",
    ]
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


def test_killed_worker_task_is_requeued_and_notifies_once(
    transactional_db, django_user_model, tmp_path
):
    users = [
        django_user_model.objects.create_user(f"nhan{i}", password="x-very-long-pw")
        for i in range(3)
    ]
    flags = tmp_path / "flags"
    flags.mkdir()
    result = notify_then_wait.enqueue([u.pk for u in users], str(flags))
    db = Database(tmp_path)
    log = tmp_path / "worker.log"
    keys = ", ".join(f"'trust-worker-kill:{u.pk}'" for u in users)

    def notes():
        return db.rows(f"SELECT user_id, dedupe_key FROM {NOTES} WHERE dedupe_key IN ({keys})")

    first = start_worker(db, log)
    try:
        wait_for(lambda: any(flags.glob("started-*")), 25, "the first worker to start", log)
        assert len(notes()) == 1  # one reminder went out before the crash
        assert db.task_status(result.id) == "RUNNING"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    # Killed mid-task: nothing marks the task finished; it stays RUNNING.
    assert db.task_status(result.id) == "RUNNING"

    (flags / "go").touch()  # the rerun must not wait
    second = start_worker(db, log)
    try:
        wait_for(
            lambda: db.task_status(result.id) in {"SUCCESSFUL", "FAILED"},
            25,
            "the new worker to recover the task",
            log,
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)

    assert db.task_status(result.id) == "SUCCESSFUL", log.read_text()[-3000:]
    assert len(list(flags.glob("started-*"))) == 2  # it really ran again
    sent = notes()
    assert sorted(user_id for user_id, _key in sent) == sorted(u.pk for u in users)
    assert len({key for _user, key in sent}) == 3  # each person exactly once
    assert "lost its worker" in log.read_text()
    assert db.rows(f"SELECT COUNT(*) FROM {TaskHeartbeat._meta.db_table}") == [(0,)]


# Recovery rules, in process (fast).


def running_task(started_ago: float, workers: int = 1) -> DBTaskResult:
    result = notify_then_wait.enqueue([], "/nonexistent")
    started = timezone.now() - dt.timedelta(seconds=started_ago)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=started,
        worker_ids=[f"w{i}" for i in range(workers)],
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_live_worker_task_is_left_alone(db, settings):
    settings.LIENHE_TASK_STALE_SECONDS = 60
    old_but_beating = running_task(started_ago=600)
    taskwatch.beat(old_but_beating.id, "w0")
    just_claimed = running_task(started_ago=5)
    assert taskwatch.recover_stale_tasks() == {"requeued": [], "failed": []}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"RUNNING"}
    assert {str(old_but_beating.id), str(just_claimed.id)}  # both untouched


def test_stale_task_is_requeued_then_failed_after_max_attempts(db, settings):
    settings.LIENHE_TASK_STALE_SECONDS = 60
    settings.LIENHE_TASK_MAX_ATTEMPTS = 3
    silent = running_task(started_ago=600)  # claimed, never beat
    taskwatch.beat(silent.id, "w0")
    TaskHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(seconds=120))
    doomed = running_task(started_ago=600, workers=3)
    done = taskwatch.recover_stale_tasks()
    assert done == {"requeued": [str(silent.id)], "failed": [str(doomed.id)]}
    assert DBTaskResult.objects.get(pk=silent.pk).status == "READY"
    failed = DBTaskResult.objects.get(pk=doomed.pk)
    assert failed.status == "FAILED" and "WorkerLost" in failed.traceback
    assert not TaskHeartbeat.objects.exists()
    # Running the step again changes nothing.
    assert taskwatch.recover_stale_tasks() == {"requeued": [], "failed": []}


def test_recover_command_and_daily_job(db, settings):
    from django.core.management import call_command

    from lienhe.notify.services import run_daily

    settings.LIENHE_TASK_STALE_SECONDS = 60
    first = running_task(started_ago=600)
    call_command("recover_stale_tasks", stdout=open(os.devnull, "w"))
    assert DBTaskResult.objects.get(pk=first.pk).status == "READY"
    running_task(started_ago=600)
    assert run_daily()["audit.recover_stale_tasks"] == 1
