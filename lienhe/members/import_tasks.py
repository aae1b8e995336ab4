"""Background tasks of the import (django.tasks; worker: `python manage.py db_worker`)."""

from django.tasks import task


@task
def check_import(job_id: int) -> str:
    from .import_jobs import run_check

    return run_check(job_id).state


@task
def commit_import(job_id: int) -> str:
    from .import_jobs import run_commit

    return run_commit(job_id).state
