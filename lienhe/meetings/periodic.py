"""The meetings module's section of the periodic report (`lienhe.reports.periodic`)."""

from __future__ import annotations

import datetime as dt

from lienhe.orgs.models import Organization
from lienhe.reports.module_sections import catalogue
from lienhe.reports.periodic import Figure


def meetings_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from .selectors import held_between

    working, counts = catalogue("meetings_working_held", org, start, end)
    attendance, _counts = catalogue("attendance_rate", org, start, end)
    met = held_between(org, start, end).values("organization").distinct().count()
    cells = Organization.objects.filter(
        path__startswith=org.path, kind="cell", is_active=True
    ).count()
    return [
        Figure("Buổi sinh hoạt đã tổ chức", counts["held"]),
        working,
        Figure("Chi bộ không có buổi sinh hoạt nào trong kỳ", max(cells - met, 0)),
        attendance,
    ]
