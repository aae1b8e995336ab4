"""Rules of Quy định 213-QĐ/TW (the comment form) and the review regulations (issue 19)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string

from lienhe.reviews.constants import (
    DUTIES,
    DUTIES_FULL,
    DUTY_KEYS,
    EXEMPT_DUTY_KEYS,
    duty_rows,
    upgrade_legacy,
)


def test_comment_form_has_the_seven_duties_of_dieu_2_in_order():
    # Quy định 213-QĐ/TW, Điều 2 lists seven duties (Khoản 1–7).
    assert DUTY_KEYS == [f"dieu2_{n}" for n in range(1, 8)]
    assert [str(label)[:2] for _k, label in DUTIES] == [f"{n}." for n in range(1, 8)]
    full = dict(DUTIES_FULL)
    # Khoản 1 and 3 in the regulation's own words.
    assert str(full["dieu2_1"]).startswith(
        "Nêu gương về phẩm chất chính trị, đạo đức, lối sống và vai trò tiền phong"
    )
    assert "Tham gia đầy đủ, nghiêm túc các cuộc họp định kỳ" in str(full["dieu2_3"])
    assert "phản ánh những ý kiến của nhân dân tới cơ quan có thẩm quyền" in str(full["dieu2_4"])
    # Short labels fit a phone line; the full text is longer.
    for (_k, short), (_k2, long) in zip(DUTIES, DUTIES_FULL, strict=True):
        assert len(str(short)) <= 60 < len(str(long))


def test_exempt_members_keep_khoan_1_2_5_6_7():
    # Hướng dẫn 33-HD/BTCTW §1.1: "nhiệm vụ tại Khoản 1, 2, 5, 6, 7, Điều 2 Quy định 213".
    assert EXEMPT_DUTY_KEYS == ["dieu2_1", "dieu2_2", "dieu2_5", "dieu2_6", "dieu2_7"]


def test_old_six_section_comments_stay_readable():
    old = {"exemplary": "A", "citizen": "B", "meetings": "C", "people": "D", "movements": "E"}
    old["ethics"] = "F"
    rows = duty_rows(old)
    assert len(rows) == 6 and [t for _l, t in rows] == ["A", "B", "C", "D", "E", "F"]
    # A draft being edited moves the old texts under the seven duties.
    assert upgrade_legacy(old) == {
        "dieu2_1": "F",
        "dieu2_2": "A B",
        "dieu2_3": "C",
        "dieu2_4": "D",
        "dieu2_5": "E",
    }
    new = dict.fromkeys(DUTY_KEYS, "x")
    assert upgrade_legacy(new) == new and len(duty_rows(new)) == 7


@pytest.mark.django_db
def test_pdf_prints_the_full_wording():
    rows = duty_rows(dict.fromkeys(DUTY_KEYS, "Tốt"), full=True)
    html = render_to_string(
        "reviews/comment_pdf.html", {"duty_rows": rows, "comment": None, "issuer": "Chi bộ"}
    )
    assert "Nêu gương về phẩm chất chính trị, đạo đức, lối sống" in html
    assert "7." in html


# Year-end review: Quy định 124-QĐ/TW (2023–2024) and Quy định 366-QĐ/TW (from 2025).


def test_each_review_carries_the_regulation_of_its_year():
    from lienhe.reviews.constants import Regulation, regulation_for_year

    assert regulation_for_year(2023) == regulation_for_year(2024) == Regulation.QD124
    assert regulation_for_year(2025) == regulation_for_year(2026) == Regulation.QD366


def test_levels_by_score_follow_dieu_11():
    from lienhe.reviews.constants import ReviewLevel, level_for_score

    # "từ 90 điểm trở lên"; "từ 70 điểm đến dưới 90"; "từ 50 điểm đến dưới 70"; dưới 50.
    assert level_for_score(90) == ReviewLevel.EXCELLENT
    assert level_for_score(89) == level_for_score(70) == ReviewLevel.GOOD
    assert level_for_score(69) == level_for_score(50) == ReviewLevel.COMPLETED
    assert level_for_score(49) == ReviewLevel.NOT_COMPLETED


def _decided(org, year, level, n):
    from lienhe.reviews.models import YearReview
    from tests.factories import MemberFactory

    YearReview.objects.bulk_create(
        YearReview(
            member=MemberFactory(organization=org),
            year=year,
            organization=org,
            regulation="qd366",
            decision_level=level,
            state="final",
        )
        for _ in range(n)
    )


@pytest.mark.django_db
def test_2026_review_is_scored_and_the_score_bounds_the_level(cast):
    from lienhe.reviews import services

    review = services.get_or_open_review(cast.members["a1"], 2026)
    assert review.regulation == "qd366"
    staff = cast.users["commune_staff"]
    with pytest.raises(services.ReviewError, match="nhập điểm"):
        services.finalise(review, level="good", actor=staff)
    with pytest.raises(services.ReviewError, match="85 điểm chỉ cho phép xếp loại tối đa"):
        services.finalise(review, level="excellent", score_general=28, score_tasks=57, actor=staff)
    # A lower level than the score allows stays possible (a named condition not met).
    review = services.finalise(
        review, level="completed", score_general=28, score_tasks=57, actor=staff
    )
    assert review.score == 85 and review.decision_level == "completed"


@pytest.mark.django_db
def test_2024_review_stays_under_qd124_without_scores(cast):
    from lienhe.reviews import services

    review = services.get_or_open_review(cast.members["a1"], 2024)
    assert review.regulation == "qd124"
    review = services.finalise(review, level="good", actor=cast.users["commune_staff"])
    assert review.score is None and review.get_regulation_display().startswith("Quy định 124")


@pytest.mark.django_db
def test_cap_refuses_one_excellent_too_many_in_the_cell(cast):
    from lienhe.reviews import services

    _decided(cast.cell_a, 2026, "good", 12)
    _decided(cast.cell_a, 2026, "excellent", 2)
    review = services.get_or_open_review(cast.members["a1"], 2026)
    with pytest.raises(services.ReviewError) as err:
        services.finalise(
            review,
            level="excellent",
            score_general=30,
            score_tasks=65,
            actor=cast.users["commune_staff"],
        )
    assert (
        "3 đảng viên xếp loại Hoàn thành xuất sắc vượt tỉ lệ cho phép: "
        "tối đa 2 (20% của 12 Hoàn thành tốt)" in str(err.value)
    )


@pytest.mark.django_db
def test_cap_is_also_checked_per_party_committee(cast):
    from lienhe.reviews import services

    _decided(cast.cell_a, 2026, "good", 10)  # the cell alone allows 2
    _decided(cast.cell_b, 2026, "excellent", 2)  # the commune already has 2 of 2
    review = services.get_or_open_review(cast.members["a1"], 2026)
    with pytest.raises(services.ReviewError) as err:
        services.finalise(
            review,
            level="excellent",
            score_general=30,
            score_tasks=65,
            actor=cast.users["commune_staff"],
        )
    assert cast.commune.name in str(err.value)
    assert "tối đa 2 (20% của 10 Hoàn thành tốt)" in str(err.value)
    _decided(cast.cell_a, 2026, "good", 5)  # 15 good in the commune → 3 allowed
    review = services.finalise(
        review,
        level="excellent",
        score_general=30,
        score_tasks=65,
        actor=cast.users["commune_staff"],
    )
    assert review.decision_level == "excellent" and review.score == 95


# --- what feeds the Quy định 366 criteria (reviews/criteria.py) -------------------------


def _son_la_committee_member(cast, member, done: int):
    """A member of the commune's executive committee under Sơn La's preset (Quy định
    1120-QĐ/TU: BCH ≥ 3 visits a year), with `done` visits in 2026."""
    from lienhe.orgs.services import apply_preset
    from lienhe.visits.models import Committee, CommitteeMember, Position, Visit

    apply_preset(cast.province, "son_la_1120", dt.date(2020, 1, 1))
    committee = Committee.objects.create(
        organization=cast.commune,
        name="BCH Đảng bộ phường Một",
        term="2025-2030",
        term_start=dt.date(2025, 10, 1),
        term_end=dt.date(2030, 10, 1),
    )
    cm = CommitteeMember.objects.create(
        committee=committee,
        member=member,
        full_name=member.full_name,
        position=Position.EXECUTIVE_COMMITTEE,
    )
    for month in range(1, done + 1):
        Visit.objects.create(
            committee_member=cm,
            cell=cast.cell_a,
            planned_on=dt.date(2026, month, 5),
            state=Visit.State.DONE,
        )
    return committee


@pytest.mark.django_db
@time_machine.travel(
    dt.datetime(2026, 12, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
)
def test_visit_record_feeds_the_tasks_group_and_a_shortfall_needs_justification(cast, login):
    # Quy định 1120-QĐ/TU: "đánh giá việc dự sinh hoạt chi bộ là một trong những tiêu chí
    # xem xét mức độ hoàn thành nhiệm vụ của các cấp ủy".
    from django.urls import reverse

    from lienhe.audit.sealing import verify_contents
    from lienhe.reviews import services

    member = cast.members["a1"]
    committee = _son_la_committee_member(cast, member, done=1)
    page = login(cast.users["commune_staff"]).get(
        reverse("reviews:review_edit", args=[member.pk, 2026])
    )
    text = page.content.decode()
    assert 'id="basis-tasks"' in text and "đã dự 1/3 lần tối thiểu (Chưa đạt)" in text
    review = services.get_or_open_review(member, 2026)
    staff = cast.users["commune_staff"]
    with pytest.raises(services.ReviewError) as err:
        services.finalise(review, level="good", score_general=25, score_tasks=50, actor=staff)
    assert f"chưa đạt số lần dự sinh hoạt chi bộ tối thiểu ở {committee.name} (1/3)" in str(
        err.value
    )
    # "Hoàn thành" needs no justification; a higher level does, and then passes.
    review = services.finalise(
        review,
        level="good",
        score_general=25,
        score_tasks=50,
        justification="Cấp ủy viên được cử đi học tập trung 6 tháng trong năm.",
        actor=staff,
    )
    assert review.score_basis["tasks"] == [
        f"Dự sinh hoạt chi bộ — {committee.name}, Ủy viên Ban Chấp hành: đã dự 1/3 lần tối "
        "thiểu (Chưa đạt)"
    ]
    # The basis is sealed with the decision: the content check finds nothing wrong, and
    # the sealed content carries it.
    assert list(verify_contents()) == []
    assert services.review_content(review)["basis"]["tasks"] == review.score_basis["tasks"]


@pytest.mark.django_db
def test_residence_comment_feeds_the_general_group(cast):
    from lienhe.reviews.criteria import scoring_basis
    from lienhe.reviews.models import ResidenceComment

    comment = ResidenceComment(
        member=cast.members["w1"],
        year=2026,
        residence_org=cast.cell_a,
        conclusion=1,
        conclusion_label="Thực hiện chưa tốt",
        evidence={"meetings_expected": 2, "meetings_present": 1, "tasks_given": 2, "tasks_done": 0},
    )
    basis = scoring_basis(comment=comment)
    assert basis["general"] == [
        f"Nhận xét nơi cư trú: Thực hiện chưa tốt ({cast.cell_a.name})",
        "Dự sinh hoạt nơi cư trú 1/2 buổi",
        "Hoàn thành 0/2 việc được chi bộ nơi cư trú giao",
    ]
    assert basis["shortfalls"] == ["nơi cư trú nhận xét “Thực hiện chưa tốt”"]
    assert basis["tasks"] == []
