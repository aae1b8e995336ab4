"""The petitions module's section of the periodic report (`lienhe.reports.periodic`)."""

from __future__ import annotations

import datetime as dt

from lienhe.orgs.models import Organization
from lienhe.reports.module_sections import catalogue, in_subtree
from lienhe.reports.periodic import Figure


def petitions_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from .models import Petition

    on_time, counts = catalogue("petitions_on_time", org, start, end)
    overdue = (
        in_subtree(Petition.objects.all(), "organization__path", org)
        .filter(state__in=Petition.WAITING_STATES, due_on__lt=end, received_on__lte=end)
        .count()
    )
    return [
        Figure("Kiến nghị tiếp nhận trong kỳ", counts["received"]),
        Figure("Kiến nghị tiếp nhận trong kỳ đã được trả lời", counts["answered"]),
        on_time,
        Figure("Kiến nghị quá hạn chưa trả lời (cuối kỳ)", overdue),
    ]
