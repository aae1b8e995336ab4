"""Daily jobs (run by `manage.py run_daily` from cron): idempotent."""

from . import services


def escalate_overdue(today) -> int:
    return services.escalate_overdue(today)


def remind_due_soon(today) -> int:
    return services.remind_due_soon(today)
