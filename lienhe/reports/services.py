"""Report orchestration shared by the web pages and the API: whether the periodic
report of a subtree is computed in the request or in the background, starting a run,
and reading the figures of one."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from lienhe.access.requests import count_upto
from lienhe.dbrouter import replica_reads
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from .models import ReportRun
from .periodic import Period, build_report, to_json
from .tasks import periodic_report_task, run_periodic_report


class ReportTooLarge(Exception):
    """The subtree is too large to compute in the request and has no finished run."""


def computes_inline(org: Organization) -> bool:
    """Small subtrees (up to PERIODIC_INLINE_LIMIT members) are computed in the
    request; larger ones in the background. Counts at most the limit + 1 members."""
    limit = settings.PERIODIC_INLINE_LIMIT
    return count_upto(Member.objects.in_subtree(org), limit) <= limit


def start_periodic_report(org: Organization, period_code: str, *, actor) -> ReportRun:
    """A new run of the periodic report: computed now for a small subtree, else
    enqueued for the worker once the transaction commits."""
    run = ReportRun.objects.create(user=actor, organization=org, period=period_code)
    if computes_inline(org):
        run_periodic_report(run.pk)
    else:
        transaction.on_commit(lambda: periodic_report_task.enqueue(run.pk))
    return run


def periodic_figures(org: Organization, period: Period) -> tuple[list, dt.datetime | None]:
    """The report's sections as JSON and when they were computed (None: just now).
    A large subtree reads the latest finished run of the period (ReportTooLarge when
    there is none)."""
    if computes_inline(org):
        with replica_reads():
            return to_json(build_report(org, period)), None
    run = (
        ReportRun.objects.filter(organization=org, period=period.code, state=ReportRun.State.DONE)
        .order_by("-finished_at")
        .first()
    )
    if run is None:
        raise ReportTooLarge
    return run.result, run.finished_at
