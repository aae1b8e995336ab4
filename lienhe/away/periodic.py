"""The away module's section of the periodic report (`lienhe.reports.periodic`):
members away and party fees."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from lienhe.orgs.models import Organization
from lienhe.reports.module_sections import catalogue, in_subtree
from lienhe.reports.periodic import Figure


def away_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from .models import AwayPeriod

    away = in_subtree(AwayPeriod.objects.all(), "organization__path", org).filter(
        Q(status="approved") | Q(status="returned", returned_on__gte=start),
        start_on__lte=end,
    )
    in_contact, _counts = catalogue("away_in_contact", org, start, end)
    # Fees come from the per-organization monthly summary (FeeMonthTotal, via the
    # catalogue figure `fees_collected`).
    collected, fees = catalogue("fees_collected", org, start, end)
    return [
        Figure("Đảng viên đi làm ăn xa trong kỳ", away.count()),
        Figure("Trong đó ở nước ngoài", away.exclude(destination_country="").count()),
        in_contact,
        Figure("Đảng phí phải nộp (đồng)", fees["due"]),
        collected,
        Figure("Tỷ lệ thu đảng phí", fees["rate"], "percent"),
    ]
