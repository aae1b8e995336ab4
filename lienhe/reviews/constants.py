"""Fixed vocabularies of the comment form and the year-end review."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The seven duties of a working member at the place of residence, Quy định 213-QĐ/TW
# ngày 02/01/2020, Điều 2, Khoản 1–7, in the regulation's order. Each entry is
# (key, short label for the phone layout, full wording for the PDF). Khoản 1–4 are the
# regulation's words as published; Khoản 5–7 could only be read in summaries (the stored
# public copies cut the text off), so their wording is a faithful paraphrase, flagged in
# docs/regulations.md. Hướng dẫn 33-HD/BTCTW §1.1 keeps Khoản 1, 2, 5, 6, 7 for members
# exempt from residence activities.
DUTY_ITEMS = [
    (
        "dieu2_1",
        _("1. Nêu gương trước nhân dân nơi cư trú"),
        _(
            "Nêu gương về phẩm chất chính trị, đạo đức, lối sống và vai trò tiền phong, gương mẫu "
            "của người cán bộ, đảng viên trước nhân dân nơi cư trú."
        ),
    ),
    (
        "dieu2_2",
        _("2. Nghĩa vụ công dân; tuyên truyền, vận động"),
        _(
            "Gương mẫu thực hiện nghĩa vụ công dân; tuyên truyền, vận động gia đình và nhân dân "
            "trên địa bàn dân cư thực hiện các chủ trương, đường lối của Đảng, chính sách, pháp "
            "luật của Nhà nước và các quy định của địa phương nơi cư trú."
        ),
    ),
    (
        "dieu2_3",
        _("3. Dự họp định kỳ, góp ý với chi ủy nơi cư trú"),
        _(
            "Tham gia đầy đủ, nghiêm túc các cuộc họp định kỳ và tích cực tham gia các cuộc họp "
            "khác do cấp ủy nơi cư trú triệu tập. Tích cực tham gia góp ý kiến với chi ủy, chi "
            "bộ, đảng ủy cơ sở nơi cư trú về các công việc chung của địa phương, nhất là những "
            "vấn đề bức xúc ở thôn, bản, tổ dân phố."
        ),
    ),
    (
        "dieu2_4",
        _("4. Họp với nhân dân; giữ liên hệ, phản ánh ý kiến"),
        _(
            "Tham gia các cuộc họp của nhân dân nơi cư trú; thường xuyên giữ mối liên hệ với chi "
            "ủy, trưởng thôn, bản, tổ trưởng dân phố, ban công tác mặt trận nơi cư trú để nắm bắt "
            "tình hình nhân dân; phản ánh những ý kiến của nhân dân tới cơ quan có thẩm quyền."
        ),
    ),
    (
        "dieu2_5",
        _("5. Tuyên truyền, vận động tham gia phong trào"),
        _(
            "Tuyên truyền, vận động nhân dân nơi cư trú tham gia các phong trào thi đua, các cuộc "
            "vận động ở địa phương."
        ),
    ),
    (
        "dieu2_6",
        _("6. Tham gia hoạt động chung ở địa phương"),
        _(
            "Tham gia các hoạt động chung, đóng góp xây dựng địa phương nơi cư trú theo khả năng "
            "và điều kiện của mình."
        ),
    ),
    (
        "dieu2_7",
        _("7. Chịu sự giám sát, nhận xét của nơi cư trú"),
        _(
            "Chịu sự giám sát của chi ủy, chi bộ và nhân dân nơi cư trú; được chi ủy nơi cư trú "
            "nhận xét việc thực hiện trách nhiệm, nhiệm vụ."
        ),
    ),
]
# (key, short label): the comment form and the detail page (phone layout).
DUTIES = [(key, short) for key, short, _full in DUTY_ITEMS]
# (key, full wording): the PDF.
DUTIES_FULL = [(key, full) for key, _short, full in DUTY_ITEMS]
DUTY_KEYS = [key for key, _label in DUTIES]
# Hướng dẫn 33-HD/BTCTW §1.1: exempt members still carry out Khoản 1, 2, 5, 6, 7.
EXEMPT_DUTY_KEYS = ["dieu2_1", "dieu2_2", "dieu2_5", "dieu2_6", "dieu2_7"]

# The six sections Lienhe used before issue 19. Comments written then keep these keys
# (signed comments are never rewritten); they are shown with these labels.
LEGACY_DUTIES = [
    (
        "exemplary",
        _(
            "Gương mẫu thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước và quy định của địa phương"
        ),
    ),
    (
        "citizen",
        _("Thực hiện nghĩa vụ công dân; vận động gia đình và nhân dân nơi cư trú thực hiện"),
    ),
    (
        "meetings",
        _("Tham gia sinh hoạt với chi bộ nơi cư trú; đóng góp ý kiến xây dựng Đảng, chính quyền"),
    ),
    ("people", _("Dự hội nghị nhân dân; giữ mối liên hệ với trưởng thôn, tổ trưởng tổ dân phố")),
    (
        "movements",
        _("Tham gia các phong trào, cuộc vận động và nhiệm vụ được chi bộ nơi cư trú phân công"),
    ),
    ("ethics", _("Giữ gìn phẩm chất đạo đức, lối sống; quan hệ với nhân dân nơi cư trú")),
]


# Where an old section's text goes when a draft written before issue 19 is edited.
LEGACY_TO_DUTY = {
    "ethics": "dieu2_1",
    "exemplary": "dieu2_2",
    "citizen": "dieu2_2",
    "meetings": "dieu2_3",
    "people": "dieu2_4",
    "movements": "dieu2_5",
}


def upgrade_legacy(duties: dict | None) -> dict:
    """A draft's old six sections re-filed under the seven duties (texts joined where two
    old sections map to one duty); new-style dicts are returned unchanged."""
    duties = duties or {}
    if not duties or any(k in duties for k in DUTY_KEYS):
        return dict(duties)
    out: dict[str, str] = {}
    for key, _label in LEGACY_DUTIES:
        text = (duties.get(key) or "").strip()
        if text:
            new = LEGACY_TO_DUTY[key]
            out[new] = f"{out[new]} {text}" if out.get(new) else text
    return out


def duty_rows(duties: dict | None, *, full: bool = False) -> list[tuple]:
    """(label, text) rows of a comment: the seven duties of Quy định 213 Điều 2, or the
    old six sections for a comment written before them."""
    duties = duties or {}
    if duties and not any(k in duties for k in DUTY_KEYS):
        return [(label, duties.get(key, "")) for key, label in LEGACY_DUTIES]
    return [(label, duties.get(key, "")) for key, label in (DUTIES_FULL if full else DUTIES)]


class ReviewLevel(models.TextChoices):
    """Four quality levels of Quy định 124-QĐ/TW (2023) on evaluating party members."""

    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETED = "completed", _("Hoàn thành nhiệm vụ")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành nhiệm vụ")


HIGH_LEVELS = {ReviewLevel.EXCELLENT, ReviewLevel.GOOD}
LEVEL_RANK = {
    ReviewLevel.NOT_COMPLETED: 0,
    ReviewLevel.COMPLETED: 1,
    ReviewLevel.GOOD: 2,
    ReviewLevel.EXCELLENT: 3,
}


class Regulation(models.TextChoices):
    """The regulation a year-end review is made under (stored on each review)."""

    QD124 = "qd124", _("Quy định 124-QĐ/TW ngày 04/10/2023")
    QD366 = "qd366", _("Quy định 366-QĐ/TW ngày 30/8/2025")


# Quy định 366-QĐ/TW of 30/8/2025 replaced Quy định 124-QĐ/TW and applies from its
# signing: the year-end reviews of 2025 on are made under it.
QD366_FIRST_YEAR = 2025


def regulation_for_year(year: int) -> str:
    return Regulation.QD366 if year >= QD366_FIRST_YEAR else Regulation.QD124


# Quy định 366-QĐ/TW, phụ lục (khung tiêu chí cho cá nhân): nhóm tiêu chí chung 30 điểm,
# nhóm tiêu chí về kết quả thực hiện nhiệm vụ 70 điểm — thang điểm 100.
QD366_GENERAL_MAX = 30
QD366_TASKS_MAX = 70


def level_for_score(score: int) -> str:
    """Quy định 366-QĐ/TW, Điều 11: Hoàn thành xuất sắc từ 90 điểm (cùng các điều kiện),
    Hoàn thành tốt từ 70 đến dưới 90, Hoàn thành từ 50 đến dưới 70, Không hoàn thành
    dưới 50 (hoặc thuộc các trường hợp nêu tại Điều 11)."""
    if score >= 90:
        return ReviewLevel.EXCELLENT
    if score >= 70:
        return ReviewLevel.GOOD
    if score >= 50:
        return ReviewLevel.COMPLETED
    return ReviewLevel.NOT_COMPLETED


class Purpose(models.TextChoices):
    YEARLY = "yearly", _("Nhận xét hằng năm")
    PROMOTION = "promotion", _("Phục vụ quy hoạch, bổ nhiệm")
    REWARD = "reward", _("Phục vụ khen thưởng")
    DISCIPLINE = "discipline", _("Phục vụ xem xét kỷ luật")
    OTHER = "other", _("Mục đích khác")
