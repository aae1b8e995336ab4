"""Periodic-report sections of the liaison, meetings, visits, petitions and away
modules. Each reads its module's tables with a few aggregate queries over the subtree
(path prefix) and the period."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lienhe.orgs.models import Organization

from .periodic import Figure, PeriodicSection, register_section


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


def catalogue(name: str, org: Organization, start: dt.date, end: dt.date) -> tuple[Figure, dict]:
    """A catalogue figure (`lienhe.reports.figures`) as a periodic-report line: its
    label, its value as of `end` (from `start` for a flow figure), and its raw counts.
    The periodic report computes no catalogue figure on its own (issue 16)."""
    from . import figures

    read = figures.read(name, org, end, start=start)
    return Figure(read["label"], read["value"], read["kind"], name=name), read


def liaison_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.liaison.models import Introduction

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
    from lienhe.meetings.selectors import held_between

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
    required, _counts = catalogue("visits_done_vs_required", org, start, end)
    return [
        Figure("Lượt cấp ủy viên dự sinh hoạt chi bộ", figures["done"]),
        Figure("Trong đó ở chi bộ vùng sâu, vùng xa", figures["remote"]),
        Figure("Lượt không dự được theo kế hoạch", figures["missed"]),
        Figure("Báo cáo dự sinh hoạt nộp muộn", figures["late"]),
        required,
    ]


def petitions_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.petitions.models import Petition

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


def away_section(org: Organization, start: dt.date, end: dt.date) -> list[Figure]:
    from lienhe.away.models import AwayPeriod

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
