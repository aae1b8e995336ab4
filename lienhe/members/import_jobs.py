"""Import jobs: upload → column mapping → background dry run → confirm → background
commit. Views and the CLI call these; the background tasks at the end of this module
(`check_import`, `commit_import`; worker: `python manage.py db_worker`) run the long parts."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.access.scoping import has_org_permission
from lienhe.audit.services import log_action
from lienhe.members.models import ImportJob
from lienhe.orgs.models import Organization

from . import importers
from .import_files import ImportFileError

PERMISSION = {"members": "members:write", "orgs": "orgs:write"}


class ImportJobError(Exception):
    """A step the rules forbid; the message is for the user."""


def import_roots_for(user):
    """Organizations the user may import into (members:write or orgs:write there)."""
    kinds = [Organization.Kind.PROVINCE, Organization.Kind.DISTRICT, Organization.Kind.BASE]
    visible = Organization.objects.visible_to(user).filter(is_active=True)
    candidates = list(visible.filter(kind__in=kinds).only("pk", "path", "kind")[:3000])
    if not candidates:
        candidates = list(visible.filter(kind=Organization.Kind.CELL).only("pk", "path")[:500])
    allowed = [
        o.pk
        for o in candidates
        if has_org_permission(user, o, "members:write") or has_org_permission(user, o, "orgs:write")
    ]
    return Organization.objects.filter(pk__in=allowed).order_by("path")


def start(*, user, organization: Organization, filename: str, data: bytes) -> ImportJob:
    """Read the header line, detect what the file holds and the column mapping.

    Runs in the web process, so it reads no more than the zip directory (part sizes
    checked first) and the first rows with the shared strings they use; the whole
    file is parsed only by the background dry run (issue 15, finding 3)."""
    table = importers.open_table(data, filename, header_only=True)  # raises ImportFileError
    kind = importers.detect_kind(table.headers)
    if not has_org_permission(user, organization, PERMISSION[kind]):
        raise ImportJobError(
            _("Bạn không có quyền nhập %(what)s vào %(org)s.")
            % {"what": importers.KIND_LABELS[kind], "org": organization.name}
        )
    mapping = importers.detect_mapping(table.headers, kind)
    return ImportJob.objects.create(
        user=user,
        organization=organization,
        kind=kind,
        filename=filename[:255],
        content=data,
        headers=table.headers[:200],
        mapping=mapping,
        total=table.estimated_rows,
    )


def _lock(job: ImportJob) -> ImportJob:
    return ImportJob.objects.select_for_update().get(pk=job.pk)


@transaction.atomic
def request_check(job: ImportJob, mapping: dict[str, str], *, actor) -> ImportJob:
    job = _lock(job)
    if job.running:
        raise ImportJobError(_("Tệp đang được xử lý; hãy chờ xong."))
    if job.state == ImportJob.State.DONE:
        raise ImportJobError(_("Tệp này đã được nhập xong."))
    valid = {c.key for c in importers.COLUMNS[job.kind]}
    clean = {k: v for k, v in mapping.items() if v in valid and k.isdigit()}
    try:
        importers.check_mapping(clean, job.kind)
    except ImportFileError as exc:
        raise ImportJobError(str(exc)) from exc
    job.mapping = clean
    job.state = ImportJob.State.CHECKING
    job.phase = _("Đang chờ tiến trình nền")
    job.processed = 0
    job.result = {}
    job.message = ""
    job.save()
    transaction.on_commit(lambda: check_import.enqueue(job.pk))
    return job


@transaction.atomic
def request_commit(job: ImportJob, *, actor) -> ImportJob:
    job = _lock(job)
    if job.state != ImportJob.State.CHECKED:
        raise ImportJobError(_("Hãy kiểm tra thử (chạy thử) trước khi ghi."))
    if job.result.get("error_count"):
        raise ImportJobError(
            _("Còn %(n)s lỗi; hãy sửa tệp và tải lại, chưa ghi dòng nào.")
            % {"n": job.result["error_count"]}
        )
    if not has_org_permission(actor, job.organization, PERMISSION[job.kind]):
        raise ImportJobError(_("Bạn không còn quyền nhập vào tổ chức này."))
    job.state = ImportJob.State.COMMITTING
    job.phase = _("Đang chờ tiến trình nền")
    job.processed = 0
    job.save()
    transaction.on_commit(lambda: commit_import.enqueue(job.pk))
    return job


def _progress(job: ImportJob):
    def report(processed: int, phase: str) -> None:
        job.touch(phase=phase, processed=processed)

    return report


def run_check(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("organization").get(pk=job_id)
    if job.state != ImportJob.State.CHECKING:
        return job
    job.touch(phase=_("Đang đọc tệp"), processed=0)
    try:
        plan = importers.analyze(
            bytes(job.content),
            job.filename,
            job.organization,
            kind=job.kind,
            mapping=job.mapping,
            progress=_progress(job),
        )
    except ImportFileError as exc:
        return _finish(job, ImportJob.State.FAILED, message=str(exc))
    job.total = plan.total
    return _finish(job, ImportJob.State.CHECKED, result=plan.summary())


def run_commit(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("organization", "user").get(pk=job_id)
    if job.state != ImportJob.State.COMMITTING:
        return job
    job.touch(phase=_("Đang ghi vào cơ sở dữ liệu"), processed=0)
    try:
        plan = importers.commit(
            bytes(job.content),
            job.filename,
            job.organization,
            actor=job.user,
            kind=job.kind,
            mapping=job.mapping,
            progress=_progress(job),
        )
    except importers.ImportRefused as exc:
        return _finish(job, ImportJob.State.CHECKED, result=exc.plan.summary(), message=str(exc))
    except ImportFileError as exc:
        return _finish(job, ImportJob.State.FAILED, message=str(exc))
    job.total = plan.total
    return _finish(job, ImportJob.State.DONE, result=plan.summary())


_TASKS = (
    "lienhe.members.import_jobs.check_import",
    "lienhe.members.import_jobs.commit_import",
    # Tasks queued before the tasks moved here (import_tasks re-exports them).
    "lienhe.members.import_tasks.check_import",
    "lienhe.members.import_tasks.commit_import",
)


def _job_ids(tasks) -> list[int]:
    ids = []
    for queued in tasks:
        args = (queued.args_kwargs or {}).get("args") or []
        if queued.task_path in _TASKS and args and isinstance(args[0], int):
            ids.append(args[0])
    return ids


def on_tasks_recovered(*, requeued, failed, now) -> None:
    """taskwatch recovery hook (issue 15, finding 10): a job whose worker died is told
    so on its page. Requeued: it runs again from the start (a commit wrote nothing:
    it is one transaction). Failed (the worker died too often): the job fails with a
    message and can be checked again."""
    running = [ImportJob.State.CHECKING, ImportJob.State.COMMITTING]
    ImportJob.objects.filter(pk__in=_job_ids(requeued), state__in=running).update(
        phase=str(INTERRUPTED), processed=0, updated_at=now
    )
    for job in ImportJob.objects.filter(pk__in=_job_ids(failed), state__in=running):
        _finish(
            job,
            ImportJob.State.FAILED,
            message=_(
                "Tiến trình xử lý bị gián đoạn nhiều lần nên đã dừng; chưa ghi dòng nào. "
                "Hãy tải tệp lên lại hoặc báo quản trị viên kiểm tra tiến trình nền."
            ),
        )


INTERRUPTED = gettext_lazy("Tiến trình xử lý bị gián đoạn, đang chạy lại…")


def _finish(job: ImportJob, state: str, *, result=None, message: str = "") -> ImportJob:
    job.state = state
    job.phase = ""
    job.processed = job.total
    if result is not None:
        job.result = result
    job.message = message
    job.finished_at = timezone.now()
    if state == ImportJob.State.DONE:
        job.content = b""  # the data is in the tables now; do not keep a second copy
    job.save()
    return job


def discard(job: ImportJob, *, actor) -> None:
    if job.running:
        raise ImportJobError(_("Tệp đang được xử lý; hãy chờ xong."))
    log_action(job, "members.import.discarded", actor=actor, data={"file": job.filename})
    job.delete()


# --- background tasks (django.tasks) -------------------------------------------------


@task
def check_import(job_id: int) -> str:
    return run_check(job_id).state


@task
def commit_import(job_id: int) -> str:
    return run_commit(job_id).state
