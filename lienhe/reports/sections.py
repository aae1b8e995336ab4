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
    qs = Member.objects.in_subtree(org).filter(joined_on__lte=end)
    figures = qs.aggregate(
        total=Count("id", filter=Q(status__in=["active", "exempted"])),
        working=Count("id", filter=Q(status="active", is_working=True)),
        joined=Count("id", filter=Q(joined_on__gte=start)),
        exempted=Count("id", filter=Q(status="exempted")),
    )
    return [
        Figure("Đảng viên (cuối kỳ)", figures["total"]),
        Figure("Đảng viên kết nạp trong kỳ", figures["joined"]),
        Figure("Đảng viên đang công tác", figures["working"]),
        Figure(
            "Tỷ lệ đảng viên đang công tác", ratio(figures["working"], figures["total"]), "percent"
        ),
        Figure("Đảng viên tạm miễn sinh hoạt", figures["exempted"]),
    ]


def reviews_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.reviews import selectors

    if end.month < 11:  # the comment campaign and reviews close the year
        return [Figure("Nhận xét nơi cư trú (đợt cuối năm)", None)]
    coverage = selectors.comment_coverage(org, end.year, today=end)
    reviews = {r["level"]: r["n"] for r in selectors.review_distribution(org, end.year)}
    total_reviews = sum(reviews.values())
    return [
        Figure("Nhận xét nơi cư trú đã yêu cầu", coverage["requested"]),
        Figure("Nhận xét đã gửi đúng hạn", coverage["sent_on_time"]),
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
        Figure("Xếp loại khác biệt với nơi cư trú", selectors.conflicts(org, end.year).count()),
    ]


def register_core_sections() -> None:
    register_section(PeriodicSection("members", "Đảng viên", 10, members_section))
    register_section(
        PeriodicSection("reviews", "Nhận xét nơi cư trú và đánh giá, xếp loại", 50, reviews_section)
    )
