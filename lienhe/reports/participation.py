"""Participation of working members in residence activities (Quy định 213-QĐ/TW):
for a subtree and a date, working members required to keep ties, with a liaison in
force, letters overdue, exempted, and the rate = with liaison / required, where
exempted members are excluded from the required count (Hướng dẫn 33-HD/BTCTW).
The Hà Tĩnh figure in seed 000: 30.030 / 98.377 = 30,52%."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from lienhe.liaison.models import Introduction
from lienhe.liaison.selectors import live_on_q
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from .toolkit import Breakdown, Column, ratio, subtree_breakdown

COLUMNS = [
    Column("name", _("Tổ chức đảng"), "text", 44),
    Column("working", _("Đảng viên đang công tác"), "int", 14),
    Column("exempt", _("Được miễn"), "int", 11),
    Column("required", _("Phải giữ mối liên hệ"), "int", 14),
    Column("active", _("Đã nộp giấy, đang sinh hoạt"), "int", 14),
    Column("overdue", _("Giấy quá hạn chưa nộp"), "int", 13),
    Column("rate", _("Tỷ lệ tham gia"), "percent", 12),
]


def _in_force(on: dt.date) -> Q:
    return Q(closed_on__isnull=True) | Q(closed_on__gt=on)


def exempt_q(on: dt.date) -> Q:
    return Q(exemption__in=["residence", "introduction"], exempt_from__lte=on) & _in_force(on)


def overdue_q(on: dt.date) -> Q:
    return (
        Q(issued_on__lte=on, due_on__lt=on)
        & (Q(handed_in_on__isnull=True) | Q(handed_in_on__gt=on))
        & _in_force(on)
        & ~Q(state=Introduction.State.DRAFT)
        & ~Q(state=Introduction.State.EXEMPT)
    )


def _derive(values: dict) -> dict:
    required = (values.get("working") or 0) - (values.get("exempt") or 0)
    return {"required": required, "rate": ratio(values.get("active"), required)}


def participation(parent: Organization, on: dt.date) -> Breakdown:
    """Two grouped queries (working members; their letters in force on `on`) + 1 for
    the children. At most one letter per member is in force on a date (the open-letter
    constraint; a change of residence closes the old letter the day the new one is
    issued), and distinct counts keep that safe."""
    members = Member.objects.filter(is_working=True, status=Member.Status.ACTIVE)
    letters = Introduction.objects.filter(
        _in_force(on),
        member__is_working=True,
        member__status=Member.Status.ACTIVE,
    ).filter(Q(issued_on__lte=on) | Q(exempt_from__lte=on))
    result = subtree_breakdown(
        parent,
        members,
        "organization__path",
        derive=_derive,
        keep_empty=False,
        also=[
            (
                letters,
                "member__organization__path",
                {
                    "exempt": Count("member_id", distinct=True, filter=exempt_q(on)),
                    "active": Count(
                        "member_id", distinct=True, filter=live_on_q(on) & ~exempt_q(on)
                    ),
                    "overdue": Count("member_id", distinct=True, filter=overdue_q(on)),
                },
            )
        ],
        working=Count("id"),
    )
    for row in result.rows:
        row["name"] = row["org"].name + (_(" (trực thuộc)") if row.get("direct") else "")
    result.totals["name"] = _("Tổng cộng")
    return result


RESIDENCE_COLUMNS = [
    Column("name", _("Tổ chức đảng nơi cư trú"), "text", 44),
    Column("working", _("Đảng viên được giới thiệu về"), "int", 14),
    Column("exempt", _("Được miễn"), "int", 11),
    Column("required", _("Phải giữ mối liên hệ"), "int", 14),
    Column("active", _("Đã nộp giấy, đang sinh hoạt"), "int", 14),
    Column("overdue", _("Giấy quá hạn chưa nộp"), "int", 13),
    Column("rate", _("Tỷ lệ tham gia"), "percent", 12),
]


def residence_participation(parent: Organization, on: dt.date) -> Breakdown:
    """The residence side's view: letters addressed to cells of the subtree and in
    force on `on`, grouped by child organization (one grouped query)."""
    addressed = Introduction.objects.filter(_in_force(on)).filter(
        Q(issued_on__lte=on) | Q(state=Introduction.State.EXEMPT, exempt_from__lte=on)
    )
    result = subtree_breakdown(
        parent,
        addressed,
        "residence_org__path",
        derive=_derive,
        keep_empty=False,
        working=Count("id"),
        exempt=Count("id", filter=exempt_q(on)),
        active=Count("id", filter=live_on_q(on) & ~exempt_q(on)),
        overdue=Count("id", filter=overdue_q(on)),
    )
    for row in result.rows:
        row["name"] = row["org"].name + (_(" (trực thuộc)") if row.get("direct") else "")
    result.totals["name"] = _("Tổng cộng")
    return result


def for_org(org: Organization, on: dt.date) -> tuple[Breakdown, list[Column]]:
    """The workplace view (members of the subtree) for workplace/other organizations,
    the residence view (letters addressed to the subtree) for residence ones."""
    if org.side == Organization.Side.RESIDENCE:
        return residence_participation(org, on), RESIDENCE_COLUMNS
    return participation(org, on), COLUMNS
