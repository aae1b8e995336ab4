"""Participation of working members in residence activities (Quy định 213-QĐ/TW):
for a subtree and a date, working members required to keep ties, with a liaison in
force, letters overdue, exempted, and the rate = with liaison / required, where
exempted members are excluded from the required count (Hướng dẫn 33-HD/BTCTW).
Two rates (issue 19): the province's PUBLISHED figure is over ALL members of the
subtree (seed 000, Hà Tĩnh: 30.030 / 98.377 = 30,52%, truncated); the current figure
is over working members minus exempt. Both come from `figures.participation_figures`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from lienhe.liaison.models import Introduction, in_force_q, overdue_q  # noqa: F401
from lienhe.liaison.selectors import live_on_q
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from .toolkit import Breakdown, Column, subtree_breakdown

COLUMNS = [
    Column("name", _("Tổ chức đảng"), "text", 44),
    Column("members", _("Tổng số đảng viên"), "int", 14),
    Column("working", _("Đảng viên đang công tác"), "int", 14),
    Column("exempt", _("Được miễn"), "int", 11),
    Column("required", _("Phải giữ mối liên hệ"), "int", 14),
    Column("active", _("Đã nộp giấy, đang sinh hoạt"), "int", 14),
    Column("overdue", _("Giấy quá hạn chưa nộp"), "int", 13),
    # Issue 19: the province's published figure (over ALL members) first, then the
    # current one (over those who must keep ties). docs/reports.md gives both bases.
    Column("published_rate", _("Tỷ lệ trên tổng số đảng viên (số công bố)"), "percent", 14),
    Column("rate", _("Tỷ lệ trên số phải giữ mối liên hệ"), "percent", 14),
]


def _in_force(on: dt.date) -> Q:
    return in_force_q(on)


def exempt_q(on: dt.date) -> Q:
    return Q(exemption__in=["residence", "introduction"], exempt_from__lte=on) & _in_force(on)


def _derive(values: dict) -> dict:
    from .figures import participation_figures

    f = participation_figures(
        values.get("active") or 0,
        values.get("members") or 0,
        values.get("working") or 0,
        values.get("exempt") or 0,
    )
    out = {"required": f["required"], "rate": f["rate"]}
    if "members" in values:
        out["published_rate"] = f["published_rate"]
    return out


def participation(parent: Organization, on: dt.date) -> Breakdown:
    """Two grouped queries (working members; their letters in force on `on`) + 1 for
    the children. At most one letter per member is in force on a date (the open-letter
    constraint; a change of residence closes the old letter the day the new one is
    issued), and distinct counts keep that safe."""
    members = Member.objects.filter(status=Member.Status.ACTIVE)
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
        members=Count("id"),
        working=Count("id", filter=Q(is_working=True)),
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
