"""Rules of Quy định 213-QĐ/TW (the comment form) and the review regulations (issue 19)."""

import pytest
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
