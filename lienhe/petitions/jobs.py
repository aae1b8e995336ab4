"""Daily jobs (run by `manage.py run_daily` from cron): idempotent."""

from lienhe.notify.services import daily_job

from . import services


@daily_job("petitions.escalate_overdue")
def escalate_overdue(today) -> int:
    return services.escalate_overdue(today)


@daily_job("petitions.remind_due_soon")
def remind_due_soon(today) -> int:
    return services.remind_due_soon(today)
