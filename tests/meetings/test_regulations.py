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
