"""Periodic-report sections of the liaison, meetings, visits, petitions and away
modules. Each reads its module's tables with a few aggregate queries over the subtree
(path prefix) and the period."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lienhe.orgs.models import Organization

from .periodic import Figure, PeriodicSection, register_section
from .toolkit import ratio


def in_subtree(qs: QuerySet, path_lookup: str, org: Organization) -> QuerySet:
    """Rows of `org`'s subtree. The national root has the empty path: every row is in
    it, so no join to the organization table is needed (the national report scans
    each table once instead of joining a million rows)."""
    if not org.path:
        return qs
    return qs.filter(**{f"{path_lookup}__startswith": org.path})


def day_range(start: dt.date, end: dt.date) -> dict:
    """Local-day bounds for a datetime column (same rows as `__date__range`, without
    converting every row's timestamp)."""
    tz = timezone.get_current_timezone()
    return {
        "gte": dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        "lt": dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    }


def participation_totals(org: Organization, on: dt.date) -> dict:
    """The totals of `reports.participation.participation(org, on)` (same filters) in
    two ungrouped queries: the periodic report needs no per-child rows."""
    from lienhe.liaison.models import Introduction
    from lienhe.liaison.selectors import live_on_q
    from lienhe.members.models import Member

    from .participation import _derive, _in_force, exempt_q, overdue_q

    working = in_subtree(
        Member.objects.filter(is_working=True, status=Member.Status.ACTIVE),
        "organization__path",
        org,
    ).count()
    letters = in_subtree(
        Introduction.objects.filter(
            _in_force(on), member__is_working=True, member__status=Member.Status.ACTIVE
        ).filter(Q(issued_on__lte=on) | Q(exempt_from__lte=on)),
        "member__organization__path",
        org,
    ).aggregate(
        exempt=Count("member_id", distinct=True, filter=exempt_q(on)),
        active=Count("member_id", distinct=True, filter=live_on_q(on) & ~exempt_q(on)),
        overdue=Count("member_id", distinct=True, filter=overdue_q(on)),
    )
    totals = {"working": working, **letters}
    totals.update(_derive(totals))
    return totals


def liaison_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.liaison.models import Introduction

    from .figures import letters_overdue, participation_published

    totals = participation_totals(org, end)
    published = participation_published(org, end)
    issued = in_subtree(
        Introduction.objects.filter(issued_on__range=(start, end)), "workplace_org__path", org
    ).count()
    return [
        Figure("Đảng viên đang công tác phải giữ mối liên hệ", totals.get("required")),
        Figure("Đã nộp giấy, đang sinh hoạt nơi cư trú", totals.get("active")),
        Figure(
            "Tỷ lệ đảng viên đang công tác giữ mối liên hệ (trên tổng số đảng viên)",
            published["value"],
            "percent",
        ),
        Figure("Tỷ lệ tham gia sinh hoạt nơi cư trú", totals.get("rate"), "percent"),
        Figure("Giấy giới thiệu quá hạn chưa nộp", letters_overdue(org, end)["value"]),
        Figure("Giấy giới thiệu cấp trong kỳ", issued),
        *exempt_figures(org, end),
    ]


def exempt_figures(org: Organization, on: dt.date) -> list[Figure]:
    """Exempt working members by the groups of Hướng dẫn 33-HD/BTCTW mục 1.1 (miễn sinh
    hoạt nơi cư trú) and mục 1.2 (miễn giới thiệu), as of `on`: every group is listed,
    those recorded before the groups existed under "chưa ghi nhóm" when there are any."""
    from lienhe.liaison.models import ExemptionGroup
    from lienhe.liaison.selectors import exempt_by_group

    counts = exempt_by_group(org, on)
    figures = [
        Figure(f"Được miễn — {label}", counts.get(value, 0))
        for value, label in ExemptionGroup.choices
    ]
    if counts.get(""):
        figures.append(Figure("Được miễn — chưa ghi nhóm (ghi nhận trước khi có nhóm)", counts[""]))
    return figures


def meetings_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.meetings.models import Meeting

    held = in_subtree(Meeting.objects.all(), "organization__path", org).filter(
        state="held", **{f"planned_at__{k}": v for k, v in day_range(start, end).items()}
    )
    figures = held.aggregate(
        meetings=Count("id"),
        with_working=Count("id", filter=Q(kind="working_members")),
        cells=Count("organization", distinct=True),
        expected=Sum("expected_count"),
        present=Sum("present_count"),
    )
    cells = Organization.objects.filter(
        path__startswith=org.path, kind="cell", is_active=True
    ).count()
    return [
        Figure("Buổi sinh hoạt đã tổ chức", figures["meetings"]),
        Figure("Trong đó sinh hoạt với đảng viên đang công tác", figures["with_working"]),
        Figure("Chi bộ không có buổi sinh hoạt nào trong kỳ", max(cells - figures["cells"], 0)),
        Figure("Tỷ lệ dự sinh hoạt", ratio(figures["present"], figures["expected"]), "percent"),
    ]


def visits_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.visits.models import Visit

    visits = in_subtree(Visit.objects.all(), "cell__path", org).filter(
        planned_on__range=(start, end)
    )
    figures = visits.aggregate(
        done=Count("id", filter=Q(state="done")),
        missed=Count("id", filter=Q(state="missed")),
        late=Count("id", filter=Q(state="done", report__days_late__gt=0)),
        remote=Count("id", filter=Q(state="done", cell__is_remote=True)),
    )
    return [
        Figure("Lượt cấp ủy viên dự sinh hoạt chi bộ", figures["done"]),
        Figure("Trong đó ở chi bộ vùng sâu, vùng xa", figures["remote"]),
        Figure("Lượt không dự được theo kế hoạch", figures["missed"]),
        Figure("Báo cáo dự sinh hoạt nộp muộn", figures["late"]),
    ]


def petitions_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.petitions.models import Petition

    qs = in_subtree(Petition.objects.all(), "organization__path", org)
    received = qs.filter(received_on__range=(start, end)).count()
    answered = qs.filter(answered_at__date__range=(start, end)).aggregate(
        n=Count("id"), late=Count("id", filter=Q(answered_late=True))
    )
    overdue = qs.filter(
        state__in=["assigned", "in_progress", "reopened"], due_on__lt=end, received_on__lte=end
    ).count()
    return [
        Figure("Kiến nghị tiếp nhận trong kỳ", received),
        Figure("Kiến nghị được trả lời trong kỳ", answered["n"]),
        Figure(
            "Tỷ lệ trả lời đúng hạn",
            ratio(answered["n"] - answered["late"], answered["n"]),
            "percent",
        ),
        Figure("Kiến nghị quá hạn chưa trả lời (cuối kỳ)", overdue),
    ]


def away_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.away.models import AwayPeriod

    from .models import FeeMonthTotal

    away = in_subtree(AwayPeriod.objects.all(), "organization__path", org).filter(
        Q(status="approved") | Q(status="returned", returned_on__gte=start),
        start_on__lte=end,
    )
    # Fees come from the per-organization monthly summary (12 rows per member a year
    # would dominate the national report); it equals Sum over FeeDue/FeePayment.
    fees = in_subtree(
        FeeMonthTotal.objects.filter(month__range=(start, end)), "organization__path", org
    ).aggregate(due=Sum("due"), paid=Sum("paid"))
    due, paid = fees["due"], fees["paid"]
    return [
        Figure("Đảng viên đi làm ăn xa trong kỳ", away.count()),
        Figure("Trong đó ở nước ngoài", away.exclude(destination_country="").count()),
        Figure("Đảng phí phải nộp (đồng)", due),
        Figure("Đảng phí đã nộp (đồng)", paid),
        Figure("Tỷ lệ thu đảng phí", ratio(paid, due), "percent"),
    ]


def register_module_sections() -> None:
    register_section(
        PeriodicSection("liaison", "Giữ mối liên hệ với nơi cư trú", 20, liaison_section)
    )
    register_section(PeriodicSection("meetings", "Sinh hoạt chi bộ", 30, meetings_section))
    register_section(
        PeriodicSection("visits", "Cấp ủy viên dự sinh hoạt chi bộ", 40, visits_section)
    )
    register_section(
        PeriodicSection("petitions", "Kiến nghị, vấn đề bức xúc", 60, petitions_section)
    )
    register_section(PeriodicSection("away", "Đảng viên đi làm ăn xa, đảng phí", 70, away_section))
