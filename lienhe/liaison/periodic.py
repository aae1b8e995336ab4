"""The liaison module's section of the periodic report (`lienhe.reports.periodic`):
letters, participation and the exempt members by group."""

from __future__ import annotations

import datetime as dt

from lienhe.orgs.models import Organization
from lienhe.reports.module_sections import catalogue, in_subtree
from lienhe.reports.periodic import Figure


def liaison_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from .models import Introduction

    current, counts = catalogue("participation_current", org, start, end)
    published, _counts = catalogue("participation_published", org, start, end)
    overdue, _counts = catalogue("letters_overdue", org, start, end)
    issued = in_subtree(
        Introduction.objects.filter(issued_on__range=(start, end)), "workplace_org__path", org
    ).count()
    return [
        Figure("Đảng viên đang công tác phải giữ mối liên hệ", counts.get("required")),
        Figure("Đã nộp giấy, đang sinh hoạt nơi cư trú", counts.get("active")),
        published,
        current,
        overdue,
        Figure("Giấy giới thiệu cấp trong kỳ", issued),
        *exempt_figures(org, end),
    ]


def exempt_figures(org: Organization, on: dt.date) -> list[Figure]:
    """Exempt working members by the groups of Hướng dẫn 33-HD/BTCTW mục 1.1 (miễn sinh
    hoạt nơi cư trú) and mục 1.2 (miễn giới thiệu), as of `on`: every group is listed,
    those recorded before the groups existed under "chưa ghi nhóm" when there are any."""
    from .models import ExemptionGroup
    from .selectors import exempt_by_group

    counts = exempt_by_group(org, on)
    figures = [
        Figure(f"Được miễn — {label}", counts.get(value, 0))
        for value, label in ExemptionGroup.choices
    ]
    if counts.get(""):
        figures.append(Figure("Được miễn — chưa ghi nhóm (ghi nhận trước khi có nhóm)", counts[""]))
    return figures
