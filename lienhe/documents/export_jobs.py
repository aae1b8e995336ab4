"""Exports above `EXPORT_SYNC_LIMIT` rows run in the background (DESIGN.md pattern 9).

`ListExporter.export()` queues an `ExportJob` holding the request's path and query;
the worker (`tasks.export_task`) replays that GET through the same export view as
the same user, so filters, scope and permission are exactly those of the web
request, checked again when the file is written; the view reaches `export()` again,
which writes the file into the job (progress every few hundred rows) and the audit
row. The user watches the progress page and downloads the file from it."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.messages.storage import default_storage
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from lienhe.notify.services import notify

from .models import ExportJob

# A finished file stays downloadable this long; the daily job removes older jobs.
KEEP_DAYS = 7


def queue(exporter, request, *, fmt: str, total: int) -> ExportJob:
    from .tasks import export_task

    job = ExportJob.objects.create(
        user=request.user,
        title=str(exporter.title)[:255],
        exporter=type(exporter).__name__,
        permission=exporter.permission,
        path=request.path,
        query={k: request.GET.getlist(k) for k in request.GET},
        fmt=fmt,
        total=total,
    )
    transaction.on_commit(lambda: export_task.enqueue(job.pk))
    return job


def progress_of(job: ExportJob):
    def report(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=rows)

    return report


def store(job: ExportJob, content: bytes, filename: str, *, rows: int) -> HttpResponse:
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE,
        content=content,
        filename=filename[:120],
        done=rows,
        total=max(job.total, rows),
        finished_at=timezone.now(),
    )
    return HttpResponse(status=204)


def _fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.FAILED, error=message[:255], finished_at=timezone.now()
    )


def _replayed_request(job: ExportJob) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    request.GET = QueryDict(mutable=True)
    for key, values in job.query.items():
        request.GET.setlist(key, values)
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": ""}
    request.user = job.user
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request._messages = default_storage(request)
    request.htmx = HtmxDetails(request)
    request.export_job = job
    return request


def run(job_id: int) -> ExportJob:
    """Write the file of a queued export. Idempotent: a finished job is left alone."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, done=0)
    if not job.user.is_active:
        _fail(job, _("Tài khoản đã bị khóa."))
        return job
    try:
        match = resolve(job.path)
        with translation.override(settings.LANGUAGE_CODE):
            match.func(_replayed_request(job), *match.args, **match.kwargs)
    except (PermissionDenied, Http404):
        _fail(job, _("Bạn không còn quyền xuất danh sách này."))
    except Exception as exc:  # recorded for the user; re-raised for the worker log
        _fail(job, str(exc) or type(exc).__name__)
        raise
    job.refresh_from_db()
    if job.state == ExportJob.State.RUNNING:  # the view answered without exporting
        _fail(job, _("Yêu cầu xuất không còn hợp lệ."))
        job.refresh_from_db()
    if job.state == ExportJob.State.DONE:
        # In the inbox, for a user who left the progress page (no mail: it is at hand).
        notify(
            [job.user],
            kind="documents.export_done",
            title=_("Tệp xuất “%(t)s” đã sẵn sàng để tải") % {"t": job.title},
            url=job.get_absolute_url(),
            dedupe_key=f"export-{job.pk}",
            email=False,
            sms=False,
        )
    return job


def cleanup(today: dt.date) -> int:
    """Remove export jobs (and their files) older than KEEP_DAYS."""
    limit = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=KEEP_DAYS), dt.time())
    )
    deleted, _by_model = ExportJob.objects.filter(created_at__lt=limit).delete()
    return deleted
