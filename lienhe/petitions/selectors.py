"""Read-side definitions of the petition figures (issue 16): the report page, the
periodic report and the figures catalogue (`lienhe.reports.figures`) count with these."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from lienhe.orgs.models import Organization

from .models import Petition


def received_between(qs: QuerySet[Petition], start: dt.date, end: dt.date) -> QuerySet[Petition]:
    """Petitions of `qs` received in [start, end], without the split/merged ones (they
    live on in their parts or in the petition they were merged into)."""
    return qs.filter(received_on__gte=start, received_on__lte=end).exclude(
        outcome__in=(Petition.Outcome.SPLIT, Petition.Outcome.MERGED)
    )


def report_aggregates(today: dt.date) -> dict:
    """THE counts of a set of petitions as of `today`: received, answered (by today),
    answered on time (not late), overdue (waiting, due before today), closed, reopened."""
    answered = Q(answered_at__isnull=False, answered_at__date__lte=today)
    return {
        "received": Count("id"),
        "answered": Count("id", filter=answered),
        "on_time": Count("id", filter=answered & Q(answered_late=False)),
        "overdue": Count("id", filter=Q(state__in=Petition.WAITING_STATES, due_on__lt=today)),
        "closed": Count("id", filter=Q(state=Petition.State.CLOSED)),
        "reopened": Count("id", filter=Q(reopen_count__gt=0)),
    }


def on_time_counts(org: Organization, start: dt.date, end: dt.date) -> dict:
    """The catalogue figure `petitions_on_time`: petitions of the subtree received in
    [start, end], answered by `end`, and of those answered on time (one query)."""
    from lienhe.reports.module_sections import in_subtree

    qs = received_between(in_subtree(Petition.objects.all(), "organization__path", org), start, end)
    return qs.aggregate(**report_aggregates(end))
