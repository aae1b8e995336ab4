"""The counter families (issue 21). Each `compute(org_ids)` counts from the source
tables for these organizations (None: all) and yields (organization_id, key, day,
value); the key list is the contract with the readers (docs/scaling.md)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count

from .services import family

ONE_DAY = dt.timedelta(days=1)


def _in(qs, field: str, org_ids):
    return qs if org_ids is None else qs.filter(**{f"{field}__in": org_ids})


@family("orgs")
def orgs(org_ids):
    """orgs.active, orgs.cells: 1 for the organization itself (home: "tổ chức", "chi bộ")."""
    from lienhe.orgs.models import Organization

    qs = _in(Organization.objects.filter(is_active=True), "pk", org_ids)
    for pk, kind in qs.values_list("pk", "kind").order_by():
        yield pk, "orgs.active", None, 1
        if kind == Organization.Kind.CELL:
            yield pk, "orgs.cells", None, 1


@family("members")
def members(org_ids):
    """members.<status> and members.<status>.working at the member's organization."""
    from lienhe.members.models import Member

    qs = _in(Member.objects.all(), "organization_id", org_ids)
    rows = qs.values("organization_id", "status", "is_working").annotate(n=Count("id")).order_by()
    for row in rows:
        yield row["organization_id"], f"members.{row['status']}", None, row["n"]
        if row["is_working"]:
            yield row["organization_id"], f"members.{row['status']}.working", None, row["n"]


def letter_span(issued_on, due_on, handed_in_on, closed_on, state) -> tuple | None:
    """[start, stop) of the days on which a letter is overdue by `overdue_q`: issued on
    or before the day, deadline before it, not handed in and in force on it; None when
    never (a draft, an exemption, no deadline)."""
    from lienhe.liaison.models import Introduction

    if state in (Introduction.State.DRAFT, Introduction.State.EXEMPT):
        return None
    if issued_on is None or due_on is None:
        return None
    start = max(issued_on, due_on + ONE_DAY)
    ends = [d for d in (handed_in_on, closed_on) if d is not None]
    stop = min(ends) if ends else None
    if stop is not None and stop <= start:
        return None
    return start, stop


def _merge(spans: list[tuple]) -> list[tuple]:
    """Union of [start, stop) spans (stop None = open)."""
    out: list[list] = []
    for start, stop in sorted(spans, key=lambda s: s[0]):
        if out and (out[-1][1] is None or start <= out[-1][1]):
            last = out[-1]
            last[1] = None if (last[1] is None or stop is None) else max(last[1], stop)
        else:
            out.append([start, stop])
    return [tuple(s) for s in out]


def _changes(org_id: int, key: str, spans):
    for start, stop in spans:
        yield org_id, key, start, 1
        if stop is not None:
            yield org_id, key, stop, -1


@family("letters", dated=("letters.overdue_members", "letters.to_overdue"))
def letters(org_ids):
    """At the member's organization: letters.<state>, and letters.overdue_members (dated:
    working, active members with at least one overdue letter — `figures.letters_overdue`
    of a workplace subtree). At the residence organization: letters.to.<state> and
    letters.to_overdue (dated: overdue letters addressed there)."""
    from lienhe.liaison.models import Introduction
    from lienhe.members.models import Member

    fields = ("issued_on", "due_on", "handed_in_on", "closed_on", "state")
    mine = _in(Introduction.objects.all(), "member__organization_id", org_ids).values_list(
        "member_id", "member__organization_id", "member__is_working", "member__status", *fields
    )
    spans: dict[tuple, list] = defaultdict(list)
    for member_id, org_id, working, status, *dates in mine.order_by().iterator(chunk_size=5000):
        yield org_id, f"letters.{dates[-1]}", None, 1
        span = letter_span(*dates)
        if span and working and status == Member.Status.ACTIVE:
            spans[(org_id, member_id)].append(span)
    for (org_id, _member), member_spans in spans.items():
        yield from _changes(org_id, "letters.overdue_members", _merge(member_spans))
    to = _in(Introduction.objects.all(), "residence_org_id", org_ids).values_list(
        "residence_org_id", *fields
    )
    for org_id, *dates in to.order_by().iterator(chunk_size=5000):
        if org_id is None:
            continue
        yield org_id, f"letters.to.{dates[-1]}", None, 1
        span = letter_span(*dates)
        if span:
            yield from _changes(org_id, "letters.to_overdue", [span])


@family("petitions", dated=("petitions.overdue",))
def petitions(org_ids):
    """petitions.<state> at the organization that raised it; petitions.overdue (dated:
    waiting for the agency and past its answer date, from the day after `due_on`)."""
    from lienhe.petitions.models import Petition

    qs = _in(Petition.objects.all(), "organization_id", org_ids)
    rows = qs.values("organization_id", "state").annotate(n=Count("id")).order_by()
    for row in rows:
        yield row["organization_id"], f"petitions.{row['state']}", None, row["n"]
    late = (
        qs.filter(state__in=Petition.WAITING_STATES, due_on__isnull=False)
        .values("organization_id", "due_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in late:
        yield row["organization_id"], "petitions.overdue", row["due_on"] + ONE_DAY, row["n"]


@family("away", dated=("away.current",))
def away(org_ids):
    """away.<status> at the member's organization; away.current (dated: approved, from
    `start_on` until `returned_on` — `AwayPeriod.objects.current(on)`)."""
    from lienhe.away.models import AwayPeriod

    qs = _in(AwayPeriod.objects.all(), "organization_id", org_ids)
    rows = qs.values("organization_id", "status").annotate(n=Count("id")).order_by()
    for row in rows:
        yield row["organization_id"], f"away.{row['status']}", None, row["n"]
    current = qs.filter(status=AwayPeriod.Status.APPROVED, start_on__isnull=False).values_list(
        "organization_id", "start_on", "returned_on"
    )
    for org_id, start, stop in current.order_by().iterator(chunk_size=5000):
        if stop is not None and stop <= start:
            continue
        yield from _changes(org_id, "away.current", [(start, stop)])


@family("comments")
def comments(org_ids):
    """Residence comments by year and state: comments.to.<year>.<state> (and all years:
    comments.to.<state>) at the residence organization, comments.from.… at the
    workplace one."""
    from lienhe.reviews.models import ResidenceComment

    for field, side in (("residence_org_id", "to"), ("workplace_org_id", "from")):
        rows = (
            _in(ResidenceComment.objects.all(), field, org_ids)
            .values(field, "year", "state")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            if row[field] is not None:
                yield row[field], f"comments.{side}.{row['year']}.{row['state']}", None, row["n"]
                yield row[field], f"comments.{side}.{row['state']}", None, row["n"]


@family("meetings")
def meetings(org_ids):
    """Meetings by year and state at the organization: meetings.<year>.<state>
    (`meetings.2026.held`: meetings held this year; deleted meetings not counted)."""
    from lienhe.meetings.models import Meeting

    rows = (
        _in(Meeting.objects.all(), "organization_id", org_ids)
        .values("organization_id", "year", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        yield row["organization_id"], f"meetings.{row['year']}.{row['state']}", None, row["n"]


@family("fees")
def fees(org_ids):
    """fees.claims.<status> at the claim's organization (the home panel's "khoản đảng
    phí đảng viên báo đã nộp" = fees.claims.pending)."""
    from lienhe.away.models import FeeClaim

    rows = (
        _in(FeeClaim.objects.all(), "organization_id", org_ids)
        .values("organization_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        yield row["organization_id"], f"fees.claims.{row['status']}", None, row["n"]


@family("transfers")
def transfers(org_ids):
    """transfers.<status> at the sending organization, transfers.to.<status> at the
    receiving one (home: "chuyển sinh hoạt đến chờ tiếp nhận" = transfers.to.sent)."""
    from lienhe.away.models import Transfer

    for field, prefix in (("organization_id", "transfers"), ("to_organization_id", "transfers.to")):
        rows = (
            _in(Transfer.objects.all(), field, org_ids)
            .values(field, "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            if row[field] is not None:
                yield row[field], f"{prefix}.{row['status']}", None, row["n"]
