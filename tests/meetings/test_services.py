import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.meetings import hooks, services
from lienhe.meetings.models import Attendance, Meeting, Rating
from lienhe.meetings.selectors import attendance_summary, meetings_held, next_meeting
from lienhe.meetings.signals import minutes_issue_raised
from lienhe.members.models import Member
from tests.factories import MemberFactory, make_org

from .helpers import at, make_meeting

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- schedule


def test_schedule_creates_one_regular_meeting_per_month_on_the_meeting_day(cast):
    created = services.generate_schedule(
        [cast.cell_a, cast.cell_b], start=dt.date(2027, 1, 1), months=3
    )
    assert created == 6
    days = sorted(
        timezone.localtime(m.planned_at).date()
        for m in Meeting.objects.filter(organization=cast.cell_a)
    )
    assert days == [dt.date(2027, 1, 5), dt.date(2027, 2, 5), dt.date(2027, 3, 5)]
    m = Meeting.objects.filter(organization=cast.cell_a).first()
    assert m.kind == Meeting.Kind.REGULAR and m.state == Meeting.State.PLANNED
    assert timezone.localtime(m.planned_at).time() == dt.time(19, 30)


def test_schedule_is_idempotent(cast):
    services.generate_schedule([cast.cell_a], start=dt.date(2027, 1, 1), months=3)
    again = services.generate_schedule([cast.cell_a], start=dt.date(2027, 1, 1), months=4)
    assert again == 1  # only April is new
    assert Meeting.objects.filter(organization=cast.cell_a).count() == 4


def test_schedule_writes_one_audit_row_per_cell_planned(cast):
    """bulk_create logs nothing by itself: the schedule says who planned what."""
    actor = cast.users["commune_staff"]
    services.generate_schedule([cast.cell_a], start=dt.date(2027, 1, 1), months=2, actor=actor)
    services.generate_schedule([cast.cell_a], start=dt.date(2027, 1, 1), months=2, actor=actor)
    rows = list(AuditEvent.objects.filter(action="meetings.schedule.generated"))
    assert len(rows) == 1  # the second run planned nothing
    assert rows[0].actor == actor and rows[0].object_id == str(cast.cell_a.pk)
    assert rows[0].data == {"periods": ["2027-01", "2027-02"]}


def test_schedule_keeps_moved_and_cancelled_meetings(cast):
    services.generate_schedule([cast.cell_a], start=dt.date(2027, 1, 1), months=2)
    jan, feb = Meeting.objects.filter(organization=cast.cell_a).order_by("planned_at")
    services.move_meeting(
        jan, new_at=at(dt.date(2027, 1, 8)), reason="Trùng lễ hội", expected_version=1
    )
    services.cancel_meeting(feb, reason="Nghỉ Tết", expected_version=1)
    assert services.generate_schedule([cast.cell_a], start=dt.date(2027, 1, 1), months=2) == 0
    states = dict(Meeting.objects.values_list("period", "state"))
    assert states == {"2027-01": "moved", "2027-02": "cancelled"}


def test_schedule_clamps_the_31st_and_skips_days_already_past(cast):
    cell = make_org(cast.commune, name="Chi bộ 31", kind="cell", meeting_day=31)
    services.generate_schedule([cell], start=dt.date(2027, 2, 1), months=2)
    days = sorted(timezone.localtime(m.planned_at).date() for m in cell.meetings.all())
    assert days == [dt.date(2027, 2, 28), dt.date(2027, 3, 31)]
    services.generate_schedule([cast.cell_b], start=dt.date(2027, 5, 20), months=2)
    days = [timezone.localtime(m.planned_at).date() for m in cast.cell_b.meetings.all()]
    assert days == [dt.date(2027, 6, 10)]  # 10 May already past


def test_cell_without_meeting_day_gets_no_schedule(cast):
    assert services.generate_schedule([cast.other_cell], start=dt.date(2027, 1, 1)) == 0


def test_second_regular_meeting_in_a_month_is_refused(cast):
    services.generate_schedule([cast.cell_a], start=dt.date(2027, 1, 1), months=1)
    with pytest.raises(services.MeetingError, match="đã có buổi sinh hoạt định kỳ"):
        services.plan_meeting(
            cast.cell_a, kind=Meeting.Kind.REGULAR, planned_at=at(dt.date(2027, 1, 20))
        )


def test_plan_thematic_needs_a_title_and_logs(cast):
    with pytest.raises(services.MeetingError, match="chủ đề"):
        services.plan_meeting(
            cast.cell_a, kind=Meeting.Kind.THEMATIC, planned_at=at(dt.date(2027, 1, 20))
        )
    m = services.plan_meeting(
        cast.cell_a,
        kind=Meeting.Kind.THEMATIC,
        planned_at=at(dt.date(2027, 1, 20)),
        title="Học tập Nghị quyết",
    )
    assert AuditEvent.objects.filter(action="meetings.meeting.planned", object_id=str(m.pk))


def test_meetings_belong_to_cells_and_groups_to_the_cell(cast):
    with pytest.raises(services.MeetingError):
        services.plan_meeting(cast.commune, kind="regular", planned_at=at(dt.date(2027, 1, 5)))
    group_b = make_org(cast.cell_b, name="Tổ 1", kind="group")
    with pytest.raises(services.MeetingError, match="không thuộc chi bộ"):
        services.plan_meeting(
            cast.cell_a,
            kind=Meeting.Kind.WORKING_MEMBERS,
            planned_at=at(dt.date(2027, 1, 5)),
            groups=[group_b],
        )


def test_move_needs_reason_and_current_version(cast):
    m = make_meeting(cast.cell_a, at(dt.date(2027, 3, 5)))
    with pytest.raises(services.MeetingError, match="lý do"):
        services.move_meeting(m, new_at=at(dt.date(2027, 3, 6)), reason=" ", expected_version=1)
    with pytest.raises(services.StaleEdit):
        services.move_meeting(m, new_at=at(dt.date(2027, 3, 6)), reason="Mưa", expected_version=9)
    moved = services.move_meeting(
        m, new_at=at(dt.date(2027, 3, 6)), reason="Mưa bão", expected_version=1
    )
    assert moved.state == Meeting.State.MOVED and moved.original_at == at(dt.date(2027, 3, 5))
    assert moved.version == 2


def test_cancelled_or_held_meeting_cannot_be_cancelled_again(cast):
    m = make_meeting(cast.cell_a, at(dt.date(2027, 3, 5)))
    services.cancel_meeting(m, reason="Bão", expected_version=1)
    with pytest.raises(services.MeetingError):
        services.cancel_meeting(m, reason="Bão", expected_version=2)


def test_move_and_cancel_notify_expected_members(cast, django_capture_on_commit_callbacks):
    from lienhe.notify.models import Notification

    m = make_meeting(cast.cell_a, at(dt.date(2027, 3, 5)))
    with django_capture_on_commit_callbacks(execute=True):
        services.move_meeting(m, new_at=at(dt.date(2027, 3, 7)), reason="Mưa", expected_version=1)
    secretary = cast.users["secretary_a"]  # member a2 of cell A
    assert Notification.objects.filter(user=secretary, kind="meetings.change").count() == 1


# ---------------------------------------------------------------- expected attendees


def test_expected_are_the_cells_active_members(cast):
    MemberFactory(organization=cast.cell_a, status=Member.Status.EXEMPTED)
    m = make_meeting(cast.cell_a)
    assert set(services.expected_members(m)) == {cast.members["a1"], cast.members["a2"]}


def test_working_member_meeting_asks_the_liaison_source(cast, monkeypatch):
    seen = {}

    def source(cell, groups, on):
        seen.update(cell=cell, groups=groups, on=on)
        return Member.objects.filter(pk=cast.members["w1"].pk)

    monkeypatch.setattr(hooks, "working_member_source", source)
    group = make_org(cast.cell_a, name="Tổ 1", kind="group")
    m = services.plan_meeting(
        cast.cell_a,
        kind=Meeting.Kind.WORKING_MEMBERS,
        planned_at=at(dt.date(2027, 1, 15)),
        groups=[group],
    )
    assert list(services.expected_members(m)) == [cast.members["w1"]]
    assert seen["cell"] == cast.cell_a and seen["groups"] == [group]
    assert seen["on"] == dt.date(2027, 1, 15)


# ---------------------------------------------------------------- roll call


def test_roll_call_is_idempotent_for_a_resent_tap(cast):
    m = make_meeting(cast.cell_a)
    a1 = cast.members["a1"]
    _att, changed = services.mark_attendance(m, a1, "present", tap_id="t1")
    assert changed
    _att, changed = services.mark_attendance(m, a1, "present", tap_id="t1")
    assert not changed
    assert Attendance.objects.filter(meeting=m).count() == 1
    m.refresh_from_db()
    # present ÷ INVITED (cell A has 2 members); the roll call is still open.
    assert (m.present_count, m.marked_count, m.expected_count) == (1, 1, 2)
    assert m.state == Meeting.State.HELD and m.roll_call_open and m.attendance_rate is None


def test_an_older_tap_arriving_late_does_not_overwrite_a_newer_one(cast):
    m = make_meeting(cast.cell_a)
    a1 = cast.members["a1"]
    t0 = timezone.now() - dt.timedelta(minutes=2)
    services.mark_attendance(m, a1, "absent", tap_id="new", tapped_at=t0 + dt.timedelta(minutes=1))
    _att, changed = services.mark_attendance(m, a1, "present", tap_id="old", tapped_at=t0)
    assert not changed
    assert Attendance.objects.get(meeting=m, member=a1).status == "absent"
    services.mark_attendance(m, a1, "late", tap_id="newer")
    assert Attendance.objects.get(meeting=m, member=a1).status == "late"


def test_roll_call_refuses_strangers_future_and_cancelled(cast):
    m = make_meeting(cast.cell_a)
    with pytest.raises(services.MeetingError, match="không thuộc danh sách"):
        services.mark_attendance(m, cast.members["b1"], "present")
    future = make_meeting(cast.cell_a, timezone.now() + dt.timedelta(days=3))
    with pytest.raises(services.MeetingError, match="Chưa đến ngày"):
        services.mark_attendance(future, cast.members["a1"], "present")
    future = services.cancel_meeting(future, reason="Bão", expected_version=1)
    with pytest.raises(services.MeetingError, match="hủy"):
        services.mark_attendance(future, cast.members["a1"], "present")


def test_close_roll_call_marks_the_rest_absent(cast):
    m = make_meeting(cast.cell_a)
    services.mark_attendance(m, cast.members["a1"], "present")
    assert services.close_roll_call(m) == 1
    assert Attendance.objects.get(meeting=m, member=cast.members["a2"]).status == "absent"
    with pytest.raises(services.MeetingError, match="đã được chốt"):
        services.close_roll_call(m)


@pytest.mark.usefixtures("mid_year_clock")
def test_attendance_summary_counts_held_meetings_of_the_year(cast, django_assert_num_queries):
    year = timezone.localdate().year
    for i, status in enumerate(["present", "absent", "excused", "late"]):
        m = make_meeting(cast.cell_a, timezone.now() - dt.timedelta(hours=2 + i))
        services.mark_attendance(m, cast.members["a1"], status)
    ids = [cast.members["a1"].pk, cast.members["b1"].pk]
    with django_assert_num_queries(1):
        summary = attendance_summary(ids, year)
    assert summary[cast.members["a1"].pk] == {
        "expected": 4,
        "present": 1,
        "excused": 1,
        "absent": 1,
        "late": 1,
    }
    assert summary[cast.members["b1"].pk]["expected"] == 0
    assert meetings_held(cast.commune, year).count() == 4


def test_next_meeting(cast):
    soon = make_meeting(cast.cell_a, timezone.now() + dt.timedelta(days=2))
    make_meeting(cast.cell_a, timezone.now() + dt.timedelta(days=20), kind="thematic")
    cancelled = make_meeting(cast.cell_a, timezone.now() + dt.timedelta(days=1), kind="thematic")
    cancelled.state = Meeting.State.CANCELLED
    cancelled.save()
    assert next_meeting(cast.cell_a) == soon


# ---------------------------------------------------------------- QR check-in


def test_checkin_token_valid_only_during_the_meeting(cast):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    m = make_meeting(cast.cell_a, start)
    token = services.checkin_token(m)
    user = cast.users["secretary_a"]  # member a2
    with pytest.raises(services.MeetingError, match="Chưa đến giờ"):
        services.check_in(token, user=user, now=start - dt.timedelta(hours=1))
    att = services.check_in(token, user=user, now=start - dt.timedelta(minutes=10))
    assert att.status == "present" and att.via == "qr"
    with pytest.raises(services.MeetingError, match="hết hạn"):
        services.check_in(token, user=user, now=m.checkin_closes + dt.timedelta(minutes=1))


def test_checkin_late_arrival_and_forged_or_stale_tokens(cast):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=40)
    m = make_meeting(cast.cell_a, start)
    att = services.check_in(services.checkin_token(m), user=cast.users["secretary_a"])
    assert att.status == "late"
    with pytest.raises(services.MeetingError, match="không hợp lệ"):
        services.check_in(services.checkin_token(m) + "x", user=cast.users["secretary_a"])
    forged = signing.dumps({"m": m.pk, "t": 1}, salt="other")
    with pytest.raises(services.MeetingError):
        services.meeting_for_token(forged)
    old = services.checkin_token(m)
    m.planned_at = start + dt.timedelta(minutes=5)
    m.save()
    with pytest.raises(services.MeetingError, match="đổi lịch"):
        services.meeting_for_token(old)


def test_checkin_refuses_members_not_expected(cast):
    m = make_meeting(cast.cell_a)
    with pytest.raises(services.MeetingError, match="không thuộc danh sách"):
        services.check_in(services.checkin_token(m), user=cast.users["secretary_b"])
    with pytest.raises(services.MeetingError, match="chưa gắn"):
        services.check_in(services.checkin_token(m), user=cast.users["commune_staff"])


# ---------------------------------------------------------------- minutes, issues, rating


def test_minutes_get_a_number_and_detect_stale_edits(cast):
    m = make_meeting(cast.cell_a)
    minutes = services.save_minutes(m, expected_version=None, agenda="1. Nghị quyết tháng")
    assert minutes.number.endswith("BB/CB")
    services.save_minutes(m, expected_version=1, resolutions="Giao đồng chí An")
    with pytest.raises(services.StaleEdit):
        services.save_minutes(m, expected_version=1, resolutions="ghi đè")
    m.refresh_from_db()
    assert m.state == Meeting.State.HELD


def test_raising_an_issue_sends_the_signal(cast):
    m = make_meeting(cast.cell_a)
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    minutes_issue_raised.connect(listener)
    try:
        services.raise_issue(m, summary="Đường ngõ 5 ngập nước", category="Hạ tầng")
    finally:
        minutes_issue_raised.disconnect(listener)
    assert received[0]["meeting"] == m and received[0]["summary"] == "Đường ngõ 5 ngập nước"
    assert m.issues.count() == 1


def test_rating_gives_a_level_from_the_checklist(cast):
    m = make_meeting(cast.cell_a)
    with pytest.raises(services.MeetingError, match="đã họp"):
        services.rate_meeting(m, by="self", checks=[])
    services.mark_attendance(m, cast.members["a1"], "present")
    m.refresh_from_db()
    all_checks = list(services.CHECK_POINTS)
    r = services.rate_meeting(m, by="self", checks=all_checks)
    assert (r.score, r.level) == (100, Rating.Level.GOOD)
    r = services.rate_meeting(m, by="self", checks=all_checks[:4])
    assert r.level == Rating.Level.POOR and Rating.objects.count() == 1
    h = services.rate_meeting(m, by="higher", checks=all_checks[:9])
    assert h.level in (Rating.Level.FAIR, Rating.Level.AVERAGE)
    assert services.level_for(70) == "fair" and services.level_for(50) == "average"


def test_merging_a_cell_cancels_its_upcoming_meetings(cast):
    from lienhe.orgs.services import merge_cells

    held = make_meeting(cast.cell_b)
    services.mark_attendance(held, cast.members["b1"], "present")
    upcoming = make_meeting(cast.cell_b, timezone.now() + dt.timedelta(days=4))
    merge_cells(cast.cell_b, cast.cell_a)
    upcoming.refresh_from_db()
    held.refresh_from_db()
    assert upcoming.state == "cancelled" and "hợp nhất" in upcoming.state_reason
    assert held.state == "held"
