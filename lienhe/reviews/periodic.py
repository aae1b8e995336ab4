"""The reviews module's section of the periodic report (`lienhe.reports.periodic`):
the comment campaign and the year-end reviews."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from lienhe.orgs.models import Organization
from lienhe.reports.module_sections import catalogue, in_subtree
from lienhe.reports.periodic import Figure
from lienhe.reports.toolkit import ratio


def reviews_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    if end.month < 11:  # the comment campaign and reviews close the year
        return [Figure("Nhận xét nơi cư trú (đợt cuối năm)", None)]

    on_time, coverage = catalogue("comments_on_time", org, start, end)
    reviews = _reviews(org, end.year)
    conflicts = reviews.pop("conflicts")
    total_reviews = sum(reviews.values())
    return [
        Figure("Nhận xét nơi cư trú đã yêu cầu", coverage["requested"]),
        on_time,
        Figure("Nhận xét gửi muộn", coverage["sent_late"]),
        Figure("Nhận xét quá hạn chưa gửi", coverage["overdue"]),
        Figure("Đảng viên được xếp loại", total_reviews),
        Figure(
            "Tỷ lệ hoàn thành xuất sắc nhiệm vụ",
            ratio(reviews.get("excellent", 0), total_reviews),
            "percent",
        ),
        Figure(
            "Tỷ lệ không hoàn thành nhiệm vụ",
            ratio(reviews.get("not_completed", 0), total_reviews),
            "percent",
        ),
        Figure("Xếp loại khác biệt với nơi cư trú", conflicts),
    ]


def _reviews(org: Organization, year: int) -> dict:
    """Final decisions by level and the conflicts with the residence comment, in one
    query (`review_distribution` and `conflicts(...).count()` read the same rows)."""
    from .constants import ReviewLevel
    from .models import YearReview

    qs = in_subtree(YearReview.objects.filter(year=year), "organization__path", org)
    final = Q(state=YearReview.State.FINAL)
    figures = qs.aggregate(
        conflicts=Count("id", filter=Q(conflict=True)),
        **{
            lvl.value: Count("id", filter=final & Q(decision_level=lvl.value))
            for lvl in ReviewLevel
        },
    )
    return figures
