import datetime as dt

import pytest
from django.utils import timezone

from lienhe.reviews import selectors, services
from lienhe.reviews.constants import DUTY_KEYS, ReviewLevel
from lienhe.reviews.models import ResidenceComment

from .data import YEAR, live_introduction

# YEAR is 2026: reviews under Quy định 366-QĐ/TW carry the framework's scores.
GOOD_SCORE = {"score_general": 25, "score_tasks": 55}
DONE_SCORE = {"score_general": 20, "score_tasks": 40}


def _sent(cast, member, cell, conclusion, year=YEAR, evidence=None):
    return ResidenceComment.objects.create(
        member=member,
        year=year,
        residence_org=cell,
        workplace_org=member.organization,
        requested_via="workplace",
        due_on=dt.date(year, 11, 30),
        state="sent",
        duties=dict.fromkeys(DUTY_KEYS, "x"),
        conclusion=conclusion,
        conclusion_label=["Thực hiện tốt", "Thực hiện chưa tốt", "Không thực hiện"][conclusion],
        # Sent before the due date whatever today is (issue 14: was timezone.now()).
        sent_at=timezone.make_aware(dt.datetime(year, 11, 20, 9, 0)),
        evidence=evidence or {},
    )


def test_working_member_needs_residence_comment_or_reason_before_final(cast):
    live_introduction(cast)
    review = services.get_or_open_review(cast.members["w1"], YEAR)
    staff = cast.users["agency_staff"]
    with pytest.raises(services.ReviewError, match="cần có nhận xét"):
        services.finalise(review, level=ReviewLevel.GOOD, actor=staff)
    review = services.finalise(
        review,
        level=ReviewLevel.GOOD,
        actor=staff,
        absence_reason="Chi ủy nơi cư trú chưa gửi dù đã nhắc 2 lần",
        **GOOD_SCORE,
    )
    assert review.state == "final" and review.residence_absence_reason.startswith("Chi ủy")


def test_non_working_member_is_finalised_without_comment(cast):
    review = services.get_or_open_review(cast.members["a1"], YEAR)
    review = services.finalise(
        review, level=ReviewLevel.COMPLETED, actor=cast.users["commune_staff"], **DONE_SCORE
    )
    assert review.state == "final" and not review.conflict


def test_conflict_needs_written_justification_and_is_listed(cast):
    live_introduction(cast)
    w1 = cast.members["w1"]
    _sent(cast, w1, cast.cell_a, conclusion=1)
    review = services.get_or_open_review(w1, YEAR)
    staff = cast.users["agency_staff"]
    with pytest.raises(services.ReviewError, match="giải trình"):
        services.finalise(review, level=ReviewLevel.GOOD, actor=staff, **GOOD_SCORE)
    review = services.finalise(
        review,
        level=ReviewLevel.GOOD,
        actor=staff,
        justification="Hoàn thành tốt dự án cấp tỉnh; đã trao đổi với chi bộ nơi cư trú",
        **GOOD_SCORE,
    )
    assert review.conflict
    assert list(selectors.conflicts(cast.province, YEAR)) == [review]
    with pytest.raises(services.ReviewError, match="đã được quyết định"):
        services.propose(review, level=ReviewLevel.GOOD, note="", actor=staff)


def test_completed_level_is_not_a_conflict(cast):
    live_introduction(cast)
    w1 = cast.members["w1"]
    _sent(cast, w1, cast.cell_a, conclusion=2)
    review = services.finalise(
        services.get_or_open_review(w1, YEAR),
        level=ReviewLevel.COMPLETED,
        actor=cast.users["agency_staff"],
        **DONE_SCORE,
    )
    assert not review.conflict


def test_leniency_signals_rank_all_top_cells_and_evidence_gaps(cast):
    from tests.factories import MemberFactory

    people = [MemberFactory(organization=cast.agency_cell, is_working=True) for _ in range(4)]
    for year in (YEAR - 1, YEAR):
        for person in people[:3]:
            _sent(cast, person, cast.cell_b, 0, year=year)
    weak = {"meetings_expected": 10, "meetings_present": 2, "tasks_given": 0, "tasks_done": 0}
    lenient = _sent(cast, people[3], cast.cell_a, 0, evidence=weak)
    signals = selectors.leniency_signals(cast.province, YEAR)
    assert [c["name"] for c in signals["all_top_cells"]] == [cast.cell_b.name]
    assert [d["comment"] for d in signals["disagreements"]] == [lenient]
    assert signals["disagreements"][0]["attendance"] == 20


def test_coverage_counts_on_time_late_overdue(cast):
    from zoneinfo import ZoneInfo

    import time_machine

    from tests.factories import MemberFactory

    # sent_at is "now": pin it inside the window so the test does not depend on today.
    with time_machine.travel(
        dt.datetime(YEAR, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ):
        _coverage_case(cast, MemberFactory)


def _coverage_case(cast, MemberFactory):  # noqa: N803

    a, b, c = (MemberFactory(organization=cast.agency_cell, is_working=True) for _ in range(3))
    _sent(cast, a, cast.cell_a, 0)
    late = _sent(cast, b, cast.cell_a, 0)
    ResidenceComment.objects.filter(pk=late.pk).update(due_on=dt.date(YEAR, 1, 1))
    ResidenceComment.objects.create(
        member=c,
        year=YEAR,
        residence_org=cast.cell_a,
        workplace_org=cast.agency_cell,
        requested_via="member",
        due_on=dt.date(YEAR, 1, 2),
    )
    figures = selectors.comment_coverage(cast.province, YEAR, today=dt.date(YEAR, 12, 1))
    assert (
        figures["requested"],
        figures["sent_on_time"],
        figures["sent_late"],
        figures["overdue"],
    ) == (3, 1, 1, 1)
