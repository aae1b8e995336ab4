"""Regulation parameters of the liaison module (`POLICY_KEYS`, registered from
`liaison/registry.py`). Each default cites its source."""

from django.utils.translation import gettext_lazy as _

from lienhe.orgs.policy import Parameter

POLICY_KEYS = (
    Parameter(
        "letter_handin_days",
        _("Số ngày đảng viên phải nộp giấy giới thiệu về nơi cư trú"),
        # Quy định 213-QĐ/TW, Điều 3 and Hướng dẫn 33-HD/BTCTW ngày 30/10/2020 make the
        # workplace committee introduce the member to the residence committee but set no
        # number of days (the public copies read show none): 30 days is Lienhe's default.
        # The due date itself counts as on time ("chậm nhất ngày X" on the letter).
        30,
        "Quy định 213-QĐ/TW, Điều 3 (giới thiệu); số ngày: mặc định của Lienhe",
        _("ngày"),
    ),
    Parameter(
        "liaison_group_max_members",
        _("Số đảng viên đang công tác tối đa trong một tổ/nhóm ở chi bộ nơi cư trú"),
        # Chỉ thị 22-CT/TU (seed 003): khu dân cư đông đảng viên đang công tác phải
        # chia thành tổ/nhóm; no group size in Quy định 213 or Hướng dẫn 33.
        # Mặc định 15 người/nhóm để nhóm còn bố trí được nơi sinh hoạt.
        15,
        "Chỉ thị 22-CT/TU (seed 003); số người: mặc định của Lienhe",
        _("đảng viên"),
    ),
    Parameter(
        "letter_reminder_days",
        _("Nhắc đảng viên nộp giấy giới thiệu trước hạn bao nhiêu ngày"),
        # Không có quy định trung ương; thực tiễn seed 003 (nộp giấy chậm) — nhắc
        # trước 7 ngày.
        7,
        "Thực tiễn Chỉ thị 22-CT/TU (seed 003)",
        _("ngày"),
    ),
)
