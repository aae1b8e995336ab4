"""Background computation of the periodic report (takes a primary key, JSON-safe)."""

from django.tasks import task
from django.utils import timezone

from lienhe.dbrouter import replica_reads

from .models import ReportRun
from .periodic import build_report, parse_period, to_json


def run_periodic_report(run_id: int) -> None:
    """Compute the report for a ReportRun, saving progress after each section.
    Idempotent: a finished run is left alone, so a retried job does nothing twice."""
    run = ReportRun.objects.select_related("organization").get(pk=run_id)
    if run.state == ReportRun.State.DONE:
        return
    ReportRun.objects.filter(pk=run.pk).update(state=ReportRun.State.RUNNING)

    def progress(done: int, total: int) -> None:
        ReportRun.objects.filter(pk=run.pk).update(done_steps=done, total_steps=total)

    try:
        with replica_reads():  # progress writes still go to the primary
            sections = build_report(run.organization, parse_period(run.period), progress)
    except Exception as exc:  # record the failure for the user; re-raise for the worker log
        ReportRun.objects.filter(pk=run.pk).update(
            state=ReportRun.State.FAILED, error=str(exc)[:255]
        )
        raise
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.DONE, result=to_json(sections), finished_at=timezone.now()
    )


@task()
def periodic_report_task(run_id: int) -> None:
    run_periodic_report(run_id)
