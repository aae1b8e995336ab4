"""Periodic-report sections of the foundation (members) and of the reviews module.
Each module's own section lives beside its selectors; these two are registered here
because they only read existing selectors."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from .periodic import Figure, PeriodicSection, register_section
from .toolkit import ratio


def members_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from .module_sections import catalogue, in_subtree

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


def reviews_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    if end.month < 11:  # the comment campaign and reviews close the year
        return [Figure("Nhận xét nơi cư trú (đợt cuối năm)", None)]

    from .module_sections import catalogue

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
    from lienhe.reviews.constants import ReviewLevel
    from lienhe.reviews.models import YearReview

    from .module_sections import in_subtree

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


def register_core_sections() -> None:
    register_section(PeriodicSection("members", "Đảng viên", 10, members_section))
    register_section(
        PeriodicSection("reviews", "Nhận xét nơi cư trú và đánh giá, xếp loại", 50, reviews_section)
    )
