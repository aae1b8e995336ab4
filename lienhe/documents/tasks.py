"""Background export (takes a primary key, JSON-safe)."""

from django.tasks import task

from . import export_jobs


@task()
def export_task(job_id: int) -> None:
    export_jobs.run(job_id)
