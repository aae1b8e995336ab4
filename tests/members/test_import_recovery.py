"""Issue 15, finding 10: an import job whose worker died is recovered deterministically
(heartbeat lease) and its page says what is happening."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lienhe.audit import taskwatch
from lienhe.audit.models import TaskHeartbeat
from lienhe.members.import_jobs import commit_import
from lienhe.members.models import ImportJob

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _committing_job(cast, *, workers: int = 1):
    job = ImportJob.objects.create(
        user=cast.users["commune_staff"],
        organization=cast.commune,
        kind="members",
        filename="20000-dong.xlsx",
        content=b"x",
        state=ImportJob.State.COMMITTING,
        phase="Đang ghi vào cơ sở dữ liệu",
        processed=0,
        total=20000,
    )
    result = commit_import.enqueue(job.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=T0,
        worker_ids=[f"w{i}" for i in range(workers)],
    )
    taskwatch.beat(result.id, "w0")  # beat_at = T0 (clock pinned)
    return job, result


def test_killed_worker_job_is_requeued_after_the_lease_and_the_page_says_so(cast, login, settings):
    settings.LIENHE_TASK_STALE_SECONDS = 60
    with time_machine.travel(T0, tick=False):
        job, result = _committing_job(cast)
    # Within the lease (the worker may be alive): nothing changes, every time.
    with time_machine.travel(T0 + dt.timedelta(seconds=59), tick=False):
        assert taskwatch.recover_stale_tasks() == {"requeued": [], "failed": []}
    job.refresh_from_db()
    assert job.phase == "Đang ghi vào cơ sở dữ liệu"
    # The lease expired (3 s after the kill + 60 s): requeued, the job page says so.
    with time_machine.travel(T0 + dt.timedelta(seconds=61), tick=False):
        done = taskwatch.recover_stale_tasks()
    assert done["requeued"] == [str(result.id)]
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    job.refresh_from_db()
    assert job.state == "committing" and job.processed == 0
    assert job.phase == "Tiến trình xử lý bị gián đoạn, đang chạy lại…"
    http = login(cast.users["commune_staff"])
    page = http.get(reverse("members:import_progress", args=[job.pk])).content.decode()
    assert "Tiến trình xử lý bị gián đoạn, đang chạy lại…" in page
    assert not TaskHeartbeat.objects.exists()


def test_job_fails_with_a_message_when_workers_keep_dying(cast, settings):
    settings.LIENHE_TASK_STALE_SECONDS = 60
    settings.LIENHE_TASK_MAX_ATTEMPTS = 3
    with time_machine.travel(T0, tick=False):
        job, result = _committing_job(cast, workers=3)
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        assert taskwatch.recover_stale_tasks()["failed"] == [str(result.id)]
    job.refresh_from_db()
    assert job.state == "failed" and not job.running
    assert "gián đoạn nhiều lần" in job.message and "chưa ghi dòng nào" in job.message
