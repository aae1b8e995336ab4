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
