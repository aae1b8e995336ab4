"""Read-side contract of the liaison module; other modules (meetings, reviews,
reports) call these instead of querying the models directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet

from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.prepared import prepared
from lienhe.text import vi_order

from .models import Introduction, LocalTask, ThreadMessage


def live_on_q(on: dt.date | None, prefix: str = "") -> Q:
    """Q on Introduction (or a relation via `prefix`) for a liaison in force on `on`
    (handed in or active; None = now)."""
    p = prefix
    if on is None:
        return Q(**{f"{p}state__in": Introduction.LIVE_STATES})
    return Q(**{f"{p}handed_in_on__lte": on}) & (
        Q(**{f"{p}state__in": Introduction.LIVE_STATES})
        | Q(**{f"{p}state": Introduction.State.CLOSED, f"{p}closed_on__gt": on})
    )


def introduced_members(
    residence_org: Organization,
    groups: Iterable[Organization] | None = None,
    on: dt.date | None = None,
) -> QuerySet[Member]:
    """Working members with a liaison in force at `residence_org` (or only those placed
    in `groups`), excluding members exempted from residence activities."""
    letters = Introduction.objects.filter(live_on_q(on)).exclude(
        exemption=Introduction.Exemption.RESIDENCE
    )
    group_ids = [g.pk for g in groups] if groups else []
    if group_ids:
        letters = letters.filter(group_id__in=group_ids)
    else:
        letters = letters.filter(residence_org=residence_org)
    return Member.objects.filter(
        is_working=True,
        status=Member.Status.ACTIVE,
        pk__in=letters.values("member_id"),
    )


def workplace_base(member: Member) -> Organization:
    """The workplace base committee that issues the member's letter (the nearest base
    above the member's organization, else the organization itself)."""
    base = (
        Organization.objects.filter(
            path__in=member.organization.ancestor_paths(), kind=Organization.Kind.BASE
        )
        .order_by("-depth")
        .first()
    )
    return base or member.organization


def residence_cells_under(org: Organization) -> QuerySet[Organization]:
    """Active residence cells in `org`'s subtree (where a letter can be accepted)."""
    return Organization.objects.filter(
        path__startswith=org.path,
        kind=Organization.Kind.CELL,
        side=Organization.Side.RESIDENCE,
        is_active=True,
    ).order_by("path")


def groups_with_size(cell: Organization) -> QuerySet[Organization]:
    """Active groups of the cell, each annotated with `size`: its live letters."""
    return (
        Organization.objects.filter(
            path__startswith=cell.path, kind=Organization.Kind.GROUP, is_active=True
        )
        .annotate(
            size=Count(
                "group_introductions",
                filter=Q(group_introductions__state__in=Introduction.LIVE_STATES),
            )
        )
        .order_by(vi_order("name"))
    )


@prepared
def _current_introductions(member_id: int) -> QuerySet[Introduction]:
    return (
        Introduction.objects.filter(member_id=member_id)
        .select_related("residence_org", "workplace_org", "group")
        .order_by(F("closed_on").desc(nulls_first=True), "-created_at", "-id")[:1]
    )


def current_introduction(member: Member, *, memo: bool = False) -> Introduction | None:
    """The member's open record, else the latest closed one. `memo`: read once per
    member instance (the dossier's sections all ask; issue 21); not for code that
    writes letters and asks again."""
    if memo and "_lienhe_current_intro" in member.__dict__:
        return member.__dict__["_lienhe_current_intro"]
    intro = next(iter(_current_introductions(member.pk)), None)
    if memo:
        member.__dict__["_lienhe_current_intro"] = intro
    return intro


def residence_record(member: Member, year: int, *, memo: bool = False) -> dict:
    """What the workplace needs about the member's residence side for `year`."""
    intro = current_introduction(member, memo=memo)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    record: dict = {
        "year": year,
        "introduction": intro,
        "state": None,
        "state_display": "Chưa được giới thiệu về nơi cư trú",
        "residence_org": None,
        "group": None,
        "number": "",
        "issued_on": None,
        "due_on": None,
        "handed_in_on": None,
        "on_time": None,
        "days_overdue": 0,
        "exemption": "",
        "exemption_display": "",
        "exemption_reason": "",
        "tasks_given": 0,
        "tasks_done": 0,
        "tasks": [],
        "thread_notes": 0,
    }
    if intro is None:
        return record
    record.update(
        state=intro.state,
        state_display=intro.get_state_display(),
        residence_org=intro.residence_org,
        group=intro.group,
        number=intro.number,
        issued_on=intro.issued_on,
        due_on=intro.due_on,
        handed_in_on=intro.handed_in_on,
        on_time=None if intro.handed_in_late is None else not intro.handed_in_late,
        days_overdue=intro.days_overdue(),
        exemption=intro.exemption,
        exemption_display=intro.get_exemption_display() if intro.exemption else "",
        exemption_reason=intro.exemption_reason,
    )
    tasks = LocalTask.objects.filter(
        introduction__member=member, assigned_on__range=(start, end)
    ).select_related("introduction")
    counts = tasks.aggregate(
        given=Count("id"), done=Count("id", filter=Q(status=LocalTask.Status.DONE))
    )
    record["tasks_given"] = counts["given"]
    record["tasks_done"] = counts["done"]
    record["tasks"] = list(tasks.order_by("-assigned_on")[:10])
    record["thread_notes"] = (
        ThreadMessage.objects.filter(introduction__member=member, created_at__year=year)
        .exclude(side=ThreadMessage.Side.SYSTEM)
        .count()
    )
    return record


def exempt_by_group(org, on: dt.date | None = None) -> dict[str, int]:
    """{group: n} of the liaisons in `org`'s subtree (by the workplace) whose member is
    exempt, by the groups of Hướng dẫn 33-HD/BTCTW mục 1.1/1.2 ("" = recorded before
    the groups existed, free text only). `on` counts as of that day (letter in force
    then, exemption from on or before it); None = now. One query."""
    from django.db.models import Count, Q

    from .models import Introduction

    since = Q()
    if on is not None:
        since = Q(exempt_from__isnull=True) | Q(exempt_from__lte=on)
    rows = (
        Introduction.objects.filter(workplace_org__path__startswith=org.path)
        .filter(
            (Q(exemption=Introduction.Exemption.RESIDENCE) & live_on_q(on))
            | Q(state=Introduction.State.EXEMPT)
        )
        .filter(since)
        .values("exemption_group")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["exemption_group"]: r["n"] for r in rows}
