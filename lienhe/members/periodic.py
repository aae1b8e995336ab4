"""The members' section of the periodic report (`lienhe.reports.periodic`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from lienhe.orgs.models import Organization
from lienhe.reports.module_sections import catalogue, in_subtree
from lienhe.reports.periodic import Figure
from lienhe.reports.toolkit import ratio

from .models import Member


def members_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    qs = in_subtree(Member.objects.filter(joined_on__lte=end), "organization__path", org)
    figures = qs.aggregate(
        joined=Count("id", filter=Q(joined_on__gte=start)),
        exempted=Count("id", filter=Q(status="exempted")),
    )
    members, _counts = catalogue("members", org, start, end)
    working, _counts = catalogue("working_members", org, start, end)
    return [
        members,
        Figure("Đảng viên kết nạp trong kỳ", figures["joined"]),
        working,
        Figure(
            "Tỷ lệ đảng viên đang công tác",
            None if members.value is None else ratio(working.value, members.value),
            "percent",
        ),
        Figure("Đảng viên tạm miễn sinh hoạt", figures["exempted"]),
    ]
