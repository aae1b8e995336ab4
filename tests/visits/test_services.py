import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.orgs.models import Policy
from lienhe.visits import services
from lienhe.visits.models import (
    CommitteeMember,
    MissReason,
    Position,
    Scope,
    Visit,
    VisitAssignment,
)
from lienhe.visits.signals import visit_report_filed
from tests.factories import make_org

from .world import world

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _cm(committee, position, **kw):
    return CommitteeMember.objects.create(
        committee=committee, full_name=kw.pop("full_name", "Đồng chí A"), position=position, **kw
    )


def test_minimums_follow_policy_defaults_and_overrides(cast):
    w = world(cast)
    year = timezone.localdate().year
    assert services.yearly_minimum(w.standing, year) == 2
    assert services.yearly_minimum(w.visitor_cm, year) == 3
    Policy.objects.create(
        organization=cast.province,
        key="visit_quota_executive_committee",
        value=4,
        effective_from=dt.date(year, 1, 1),
    )
    assert services.yearly_minimum(w.visitor_cm, year) == 4


def test_scope_by_position(cast):
    w = world(cast)
    year = timezone.localdate().year
    officer = _cm(w.committee, Position.STANDING_OFFICER)
    head = _cm(w.committee, Position.EXECUTIVE_COMMITTEE, heads_unit=cast.other_commune)
    assert officer.scope == Scope.WHOLE
    assert set(services.scope_cells(officer, year)) == {cast.cell_a, cast.cell_b, cast.other_cell}
    # Standing committee: only the units in charge (the commune of cells A and B).
    assert set(services.scope_cells(w.standing, year)) == {cast.cell_a, cast.cell_b}
    assert head.scope == Scope.OWN_UNIT
    assert set(services.scope_cells(head, year)) == {cast.other_cell}
    # Other executive members: only their assigned cells.
    assert w.visitor_cm.scope == Scope.ASSIGNED
    assert set(services.scope_cells(w.visitor_cm, year)) == {cast.cell_a, cast.cell_b}
    # Workplace cells are never in scope.
    assert cast.agency_cell not in services.scope_cells(officer, year)


def test_standing_committee_member_needs_units(cast):
    w = world(cast)
    with pytest.raises(services.VisitError, match="đơn vị phụ trách"):
        services.add_committee_member(
            w.committee, full_name="Nguyễn Văn B", position=Position.STANDING_COMMITTEE
        )
    cm = services.add_committee_member(
        w.committee,
        full_name="Nguyễn Văn B",
        position=Position.STANDING_COMMITTEE,
        units_in_charge=[cast.other_commune],
    )
    assert cm.search_name == "nguyen van b"
    assert AuditEvent.objects.filter(action="visits.committee_member.created").exists()


def test_update_committee_member_detects_stale_edit(cast):
    w = world(cast)
    cm = w.standing
    services.update_committee_member(
        cm, expected_version=1, title="Phó Bí thư", units_in_charge=[cast.commune]
    )
    with pytest.raises(services.StaleEdit):
        services.update_committee_member(
            cm, expected_version=1, title="Khác", units_in_charge=[cast.commune]
        )


def test_assignment_outside_scope_is_refused(cast):
    w = world(cast)
    year = timezone.localdate().year
    with pytest.raises(services.VisitError, match="ngoài phạm vi"):
        services.add_assignment(w.standing, cast.other_cell, year)
    with pytest.raises(services.VisitError, match="ngoài phạm vi"):
        services.add_assignment(w.visitor_cm, cast.agency_cell, year)
    a = services.add_assignment(w.visitor_cm, cast.other_cell, year)
    assert a.cell == cast.other_cell
    with pytest.raises(services.VisitError, match="đã được phân công"):
        services.add_assignment(w.visitor_cm, cast.other_cell, year)


@time_machine.travel(dt.datetime(2026, 6, 10, 9, 0, tzinfo=HCM), tick=False)
def test_plan_visit_rules(cast):
    w = world(cast)
    today = timezone.localdate()
    soon = today + dt.timedelta(days=10)
    with pytest.raises(services.VisitError, match="đã qua"):
        services.plan_visit(w.visitor_cm, cast.cell_a, today - dt.timedelta(days=1))
    with pytest.raises(services.VisitError, match="ngoài phạm vi"):
        services.plan_visit(w.visitor_cm, cast.other_cell, soon)
    v = services.plan_visit(w.visitor_cm, cast.cell_a, soon)
    assert v.state == Visit.State.PLANNED and v.year == soon.year
    # No two visitors at the same meeting.
    with pytest.raises(services.VisitError, match="đã có đồng chí"):
        services.plan_visit(w.standing, cast.cell_a, soon)
    # The same member cannot be in two cells on one day.
    with pytest.raises(services.VisitError, match="đã có lịch"):
        services.plan_visit(w.visitor_cm, cast.cell_b, soon)


@time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=HCM), tick=False)
def test_new_visit_in_next_year_needs_that_years_assignment(cast):
    """On 31/12 a first visit planned for January needs the new year's assignment
    (only a missed visit's catch-up may cross the year end)."""
    w = world(cast)
    with pytest.raises(services.VisitError, match="ngoài phạm vi"):
        services.plan_visit(w.visitor_cm, cast.cell_a, dt.date(2027, 1, 10))
    services.add_assignment(w.visitor_cm, cast.cell_a, 2027)
    v = services.plan_visit(w.visitor_cm, cast.cell_a, dt.date(2027, 1, 10))
    assert v.year == 2027


@time_machine.travel(dt.datetime(2026, 6, 10, 9, 0, tzinfo=HCM), tick=False)
def test_missed_visit_needs_reason_and_can_be_rescheduled(cast):
    w = world(cast)
    v = w.planned
    with pytest.raises(services.VisitError, match="lý do khác"):
        services.mark_missed(v, reason=MissReason.OTHER, note=" ", expected_version=v.version)
    new_date = timezone.localdate() + dt.timedelta(days=30)
    new = services.mark_missed(
        v, reason=MissReason.BUSINESS_TRIP, new_date=new_date, expected_version=v.version
    )
    v.refresh_from_db()
    assert v.state == Visit.State.MISSED and v.miss_reason == "business_trip"
    assert v.rescheduled_to == new and new.planned_on == new_date
    # A stale form cannot mark it again.
    with pytest.raises(services.VisitError):
        services.mark_missed(v, reason=MissReason.ILLNESS, expected_version=1)
    # The superseded visit no longer counts towards the plan.
    assert not Visit.objects.counted().filter(pk=v.pk).exists()


@time_machine.travel(dt.datetime(2026, 12, 15, 9, 0, tzinfo=HCM), tick=False)
def test_missed_december_visit_can_be_rescheduled_into_january(cast):
    """The catch-up of a visit missed in December falls in the next year, when the
    year's assignments are not made yet: the cell was in scope for the missed visit's
    year, so the reschedule is accepted (issue 14: refused before)."""
    w = world(cast)
    v = w.planned
    new = services.mark_missed(
        v,
        reason=MissReason.ILLNESS,
        new_date=dt.date(2027, 1, 14),
        expected_version=v.version,
    )
    assert new.planned_on == dt.date(2027, 1, 14) and new.year == 2027
    # Without the 2026 assignment the cell is in scope in neither year: refused.
    VisitAssignment.objects.filter(cell=cast.cell_b).delete()
    other = Visit.objects.create(
        committee_member=w.visitor_cm, cell=cast.cell_b, planned_on=dt.date(2026, 12, 18)
    )
    with pytest.raises(services.VisitError, match="ngoài phạm vi"):
        services.mark_missed(
            other,
            reason=MissReason.ILLNESS,
            new_date=dt.date(2027, 1, 21),
            expected_version=other.version,
        )


def test_file_report_sends_petitions_marks_guest_and_counts_late(cast):
    from lienhe.meetings.models import Meeting

    w = world(cast)
    v = w.planned
    at = timezone.make_aware(dt.datetime.combine(v.planned_on, dt.time(19, 0)))
    meeting = Meeting.objects.create(organization=cast.cell_a, kind="regular", planned_at=at)
    received = []

    def listener(sender, report, items, actor, **kw):
        received.append((report.pk, items))

    visit_report_filed.connect(listener)
    try:
        report = services.file_report(
            v,
            attended_on=v.planned_on,
            chair="Trần Thị Bình",
            content="Triển khai nghị quyết.",
            quality="good",
            criteria=["prep_agenda", "bogus"],
            petitions=[
                {"summary": "Đường thôn xuống cấp", "category": "Giao thông"},
                {"summary": "  "},
            ],
            # 10 days after the meeting with a 7-day deadline: 3 days late.
            now=at + dt.timedelta(days=10),
        )
    finally:
        visit_report_filed.disconnect(listener)
    v.refresh_from_db()
    assert v.state == Visit.State.DONE and v.meeting == meeting
    assert report.days_late == 3
    assert report.criteria == ["prep_agenda"]
    assert report.number.endswith("BC/DSH")
    assert received == [
        (report.pk, [{"summary": "Đường thôn xuống cấp", "details": "", "category": "Giao thông"}])
    ]
    assert meeting.guests.filter(full_name="Vũ Văn Ủy", user=w.visitor_cm.user).exists()
    with pytest.raises(services.VisitError, match="đã có báo cáo"):
        services.file_report(v, attended_on=v.planned_on, chair="x", content="y", quality="good")


@time_machine.travel(dt.datetime(2026, 6, 10, 9, 0, tzinfo=HCM), tick=False)
def test_report_cannot_be_for_a_future_meeting(cast):
    w = world(cast)
    v = services.plan_visit(w.visitor_cm, cast.cell_a, timezone.localdate() + dt.timedelta(days=3))
    with pytest.raises(services.VisitError, match="chưa diễn ra"):
        services.file_report(v, attended_on=v.planned_on, chair="x", content="y", quality="good")


def test_report_on_time_is_not_late(cast):
    w = world(cast)
    v = w.planned
    report = services.file_report(
        v, attended_on=v.planned_on, chair="x", content="y", quality="average"
    )
    assert report.days_late == 0


def test_meeting_date_clips_to_month_end(cast):
    cell = make_org(cast.commune, name="Chi bộ Cuối tháng", meeting_day=31)
    assert services.meeting_date(cell, 2026, 2) == dt.date(2026, 2, 28)
    cell.meeting_day = None
    assert services.meeting_date(cell, 2026, 3) == dt.date(2026, 3, 5)


def test_report_rates_a_held_meeting_with_the_meetings_criteria(cast):
    from lienhe.meetings.models import Meeting, Rating

    w = world(cast)
    v = w.planned
    at = timezone.make_aware(dt.datetime.combine(v.planned_on, dt.time(8, 0)))
    meeting = Meeting.objects.create(
        organization=cast.cell_a, kind="regular", planned_at=at, state="held"
    )
    checks = ["prep_agenda", "prep_notice", "prep_docs", "content_review", "content_local"]
    report = services.file_report(
        v, attended_on=v.planned_on, chair="x", content="y", criteria=checks
    )
    # 45 points out of 100: "Kém" by the meetings module's scale.
    assert report.quality == "poor"
    rating = Rating.objects.get(meeting=meeting, by=Rating.By.HIGHER)
    assert rating.score == 45 and rating.level == "poor"


@pytest.mark.usefixtures("mid_year_clock")
def test_summary_for_the_year_end_review(cast):
    from lienhe.visits.selectors import committee_member_summary

    w = world(cast)
    w.visitor_cm.member = cast.members["a1"]
    w.visitor_cm.save()
    [row] = committee_member_summary(cast.members["a1"].pk, timezone.localdate().year)
    assert row["required"] == 3 and row["done"] == 1 and row["light"] == "danger"
    assert committee_member_summary(cast.members["b1"].pk, 2026) == []
