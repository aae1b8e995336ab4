"""Fixed vocabularies of the comment form and the year-end review."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Duties of a working member at the place of residence, Quy định 213-QĐ/TW, Điều 2
# (the sections of the residence comment form, Hướng dẫn 33-HD/BTCTW, mẫu 2).
DUTIES = [
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
DUTY_KEYS = [key for key, _label in DUTIES]


class ReviewLevel(models.TextChoices):
    """Four quality levels of Quy định 124-QĐ/TW (2023) on evaluating party members."""

    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETED = "completed", _("Hoàn thành nhiệm vụ")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành nhiệm vụ")


HIGH_LEVELS = {ReviewLevel.EXCELLENT, ReviewLevel.GOOD}


class Purpose(models.TextChoices):
    YEARLY = "yearly", _("Nhận xét hằng năm")
    PROMOTION = "promotion", _("Phục vụ quy hoạch, bổ nhiệm")
    REWARD = "reward", _("Phục vụ khen thưởng")
    DISCIPLINE = "discipline", _("Phục vụ xem xét kỷ luật")
    OTHER = "other", _("Mục đích khác")
