"""Visits objects on top of the shared cast: a province committee with the cast's
`visitor` as an executive member assigned cell A, a planned visit awaiting its report
and a done visit with a report. Idempotent per cast (cached on it)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from lienhe.visits.models import (
    Committee,
    CommitteeMember,
    Position,
    Visit,
    VisitAssignment,
    VisitReport,
)


def world(cast) -> SimpleNamespace:
    cached = getattr(cast, "_visits_world", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    from lienhe.orgs.services import apply_preset

    # The test province follows Sơn La's Quy định 1120-QĐ/TU (a named preset).
    apply_preset(cast.province, "son_la_1120", dt.date(2020, 1, 1))
    committee = Committee.objects.create(
        organization=cast.province,
        name="Ban Chấp hành Đảng bộ tỉnh Thử",
        term="Khóa XX",
        term_start=dt.date(2025, 10, 1),
        term_end=dt.date(2030, 10, 1),
    )
    visitor_cm = CommitteeMember.objects.create(
        committee=committee,
        full_name="Vũ Văn Ủy",
        title="Tỉnh ủy viên, Giám đốc Sở",
        position=Position.EXECUTIVE_COMMITTEE,
        user=cast.users["visitor"],
    )
    standing = CommitteeMember.objects.create(
        committee=committee,
        full_name="Đỗ Thị Thường",
        title="Ủy viên Ban Thường vụ",
        position=Position.STANDING_COMMITTEE,
    )
    standing.units_in_charge.set([cast.commune])
    assignment = VisitAssignment.objects.create(
        committee_member=visitor_cm, year=today.year, cell=cast.cell_a
    )
    VisitAssignment.objects.create(committee_member=visitor_cm, year=today.year, cell=cast.cell_b)
    planned = Visit.objects.create(
        committee_member=visitor_cm, cell=cast.cell_a, planned_on=today - dt.timedelta(days=2)
    )
    done = Visit.objects.create(
        committee_member=visitor_cm,
        cell=cast.cell_b,
        planned_on=today - dt.timedelta(days=20),
        state=Visit.State.DONE,
    )
    report = VisitReport.objects.create(
        visit=done,
        attended_on=done.planned_on,
        chair="Lê Văn Cường",
        content="Quán triệt nghị quyết, bàn việc làm đường thôn.",
        quality="fair",
        number="1-BC/DSH",
    )
    cached = SimpleNamespace(
        committee=committee,
        visitor_cm=visitor_cm,
        standing=standing,
        assignment=assignment,
        planned=planned,
        done=done,
        report=report,
    )
    cast._visits_world = cached
    return cached
