"""Quy định 213-QĐ/TW, Điều 4, Khoản 3: "Định kỳ 6 tháng hoặc khi cần thiết" the cell
meets the working members living in its area — counted per half-year (issue 19)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lienhe.meetings import report
from lienhe.meetings.models import Meeting

from .helpers import make_meeting

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2025


def _working(cell, month, day=20):
    return make_meeting(
        cell,
        dt.datetime(YEAR, month, day, 19, tzinfo=TZ),
        kind=Meeting.Kind.WORKING_MEMBERS,
        state=Meeting.State.HELD,
    )


def _row(cast, cell, today):
    built = report.build(cast.commune, YEAR, today=today)
    return {r.org: r for r in built.rows}[cell], built


def test_two_meetings_in_december_do_not_satisfy_the_first_half(cast):
    _working(cast.cell_a, 12, 5)
    _working(cast.cell_a, 12, 20)
    row, built = _row(cast, cast.cell_a, dt.date(2026, 1, 15))
    assert built.year_min_working == 2 and built.min_working == 2
    assert row.held["working_members"] == 2
    assert row.below_working == 1


def test_one_meeting_in_each_half_satisfies_the_year(cast):
    _working(cast.cell_a, 6, 28)
    _working(cast.cell_a, 11)
    row, _built = _row(cast, cast.cell_a, dt.date(2026, 1, 15))
    assert row.below_working == 0


def test_only_half_years_already_over_are_owed(cast):
    _working(cast.cell_a, 3)
    row, built = _row(cast, cast.cell_a, dt.date(YEAR, 8, 1))
    assert built.min_working == 1 and row.below_working == 0
    row, built = _row(cast, cast.cell_a, dt.date(YEAR, 6, 30))
    assert built.min_working == 0 and row.below_working == 0


def test_policy_note_does_not_invent_start_and_end_of_year():
    from lienhe.orgs.policy import PARAMETERS

    param = PARAMETERS["min_working_member_meetings_per_year"]
    assert "Điều 4, Khoản 3" in param.source
    assert report.per_half(2) == 1 and report.per_half(3) == 2


# Absence alerts: the Statute's own-cell rule and Quy định 213's residence rule apart.

JAN = dt.datetime(2026, 3, 20, 12, tzinfo=TZ)


def _absent(cell, member, n, *, working, start_day=1):
    from lienhe.meetings import services
    from lienhe.meetings.models import Attendance

    kind = Meeting.Kind.WORKING_MEMBERS if working else Meeting.Kind.REGULAR
    for i in range(n):
        m = make_meeting(cell, dt.datetime(2026, 1 + i, start_day, 19, tzinfo=TZ), kind=kind)
        Attendance.objects.create(
            meeting=m, member=member, status="absent", is_working_member=working
        )
        services.recount(m, held=True)


def _notes(kind):
    from lienhe.notify.models import Notification

    return Notification.objects.filter(kind=kind)


def test_residence_absences_are_reflected_to_the_workplace_without_striking_off(cast):
    from lienhe.meetings import jobs
    from tests.factories import make_user

    make_user("cqcb", "cell_officer", cast.agency_cell)
    _absent(cast.cell_a, cast.members["w1"], 2, working=True)
    assert jobs.repeated_absences(JAN.date()) == 2
    notes = _notes("meetings.residence_absences")
    assert {n.user.username for n in notes} == {"bithu", "cqcb"}
    body = notes.first().body
    assert "phản ánh với cấp ủy cơ quan" in body and "xóa tên" not in body
    assert not _notes("meetings.absences").exists()


def test_own_cell_and_residence_absences_are_not_added_up(cast):
    from lienhe.meetings import jobs

    w1 = cast.members["w1"]
    _absent(cast.agency_cell, w1, 2, working=False)
    _absent(cast.cell_a, w1, 1, working=True, start_day=2)
    # 2 + 1 = 3 used to reach the Statute's "ba tháng"; kept apart, neither count does.
    assert jobs.repeated_absences(JAN.date()) == 0


def test_own_cell_rule_cites_the_statute_and_reads_each_members_own_province(cast):
    from lienhe.meetings import jobs
    from lienhe.orgs.services import set_policy
    from tests.factories import MemberFactory, make_org, make_user

    a1 = cast.members["a1"]
    _absent(cast.cell_a, a1, 3, working=False)
    other = make_org(None, name="Đảng bộ tỉnh Khác", kind="province", side="other")
    set_policy(other, "unexcused_absence_alert", 4, effective_from=dt.date(2020, 1, 1))
    other_cell = make_org(other, name="Chi bộ Khác", kind="cell")
    make_user("bithu_khac", "cell_officer", other_cell)
    far = MemberFactory(organization=other_cell)
    _absent(other_cell, far, 3, working=False)
    assert jobs.repeated_absences(JAN.date()) == 1
    note = _notes("meetings.absences").get()
    assert note.user.username == "bithu"
    assert "Điều lệ Đảng, Điều 8, Khoản 2" in note.body and "xóa tên" in note.body
