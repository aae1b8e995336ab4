"""The visits module's section of the periodic report (`lienhe.reports.periodic`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from lienhe.orgs.models import Organization
from lienhe.reports.module_sections import catalogue, in_subtree
from lienhe.reports.periodic import Figure


def visits_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from .models import Visit

    visits = in_subtree(Visit.objects.all(), "cell__path", org).filter(
        planned_on__range=(start, end)
    )
    figures = visits.aggregate(
        done=Count("id", filter=Q(state="done")),
        missed=Count("id", filter=Q(state="missed")),
        late=Count("id", filter=Q(state="done", report__days_late__gt=0)),
        remote=Count("id", filter=Q(state="done", cell__is_remote=True)),
    )
    required, _counts = catalogue("visits_done_vs_required", org, start, end)
    return [
        Figure("Lượt cấp ủy viên dự sinh hoạt chi bộ", figures["done"]),
        Figure("Trong đó ở chi bộ vùng sâu, vùng xa", figures["remote"]),
        Figure("Lượt không dự được theo kế hoạch", figures["missed"]),
        Figure("Báo cáo dự sinh hoạt nộp muộn", figures["late"]),
        required,
    ]
