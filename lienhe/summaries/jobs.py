"""Nightly check of the summaries, run by `manage.py run_daily` (docs/operations.md)."""


def check_summaries(today) -> int:
    """Recount, compare, log and repair; returns the number of mismatched counters
    (0 on a healthy night)."""
    from .services import check

    return len(check(repair=True))
