"""Regulation parameters of the away/fees module (`PARAMS`, registered from
`away/registry.py`).
Each default cites its source; provinces override them with `Policy` rows."""

from django.utils.translation import gettext_lazy as _

from lienhe.orgs.policy import Parameter

# Quy định 01-QĐ/TW ngày 03/02/2017 của Bộ Chính trị về thi hành chế độ đảng phí:
# đảng viên hưởng tiền lương, tiền công đóng 1% tiền lương (các khoản tính đóng BHXH);
# đảng viên hưởng lương hưu, trợ cấp BHXH đóng 0,5%; đảng viên khác ở trong nước và
# đảng viên ở ngoài nước đóng theo mức cố định do cấp có thẩm quyền quy định.
# Rates are stored in per-mille so 1% = 10 and 0,5% = 5 stay integers.
FEE_SOURCE = "Quy định 01-QĐ/TW ngày 03/02/2017 của Bộ Chính trị về chế độ đảng phí"

PARAMS = [
    Parameter(
        "fee_rate_wage_permille",
        _("Tỷ lệ đảng phí của đảng viên hưởng lương, tiền công (phần nghìn)"),
        10,
        FEE_SOURCE + ", mục 1 (1% tiền lương)",
        _("‰ thu nhập"),
    ),
    Parameter(
        "fee_rate_pension_permille",
        _("Tỷ lệ đảng phí của đảng viên hưởng lương hưu, trợ cấp BHXH (phần nghìn)"),
        5,
        FEE_SOURCE + ", mục 1 (0,5% lương hưu)",
        _("‰ lương hưu"),
    ),
    Parameter(
        "fee_other_amount",
        _("Mức đảng phí của đảng viên khác ở trong nước"),
        # 01-QĐ/TW: đảng viên khác ở trong nước (nông nghiệp, việc làm không thường
        # xuyên…) đóng theo mức cố định; tỉnh ủy quy định cụ thể. Mặc định 5.000 đ.
        5000,
        FEE_SOURCE + ", mục 1 (đảng viên khác ở trong nước); tỉnh ủy quy định mức cụ thể",
        _("đồng/tháng"),
    ),
    Parameter(
        "fee_student_amount",
        _("Mức đảng phí của đảng viên là học sinh, sinh viên"),
        3000,
        FEE_SOURCE + ", mục 1 (học sinh, sinh viên không hưởng lương)",
        _("đồng/tháng"),
    ),
    Parameter(
        "fee_abroad_amount",
        _("Mức đảng phí của đảng viên ở nước ngoài (quy ra đồng)"),
        # 01-QĐ/TW: đảng viên ở ngoài nước đóng theo mức ngoại tệ cố định (lao động,
        # du học: 2 USD/tháng); quy ra đồng để ghi sổ.
        50000,
        FEE_SOURCE + ", mục 1 (đảng viên ở ngoài nước)",
        _("đồng/tháng"),
    ),
    Parameter(
        "exemption_grounds",
        _("Danh mục lý do tạm miễn sinh hoạt đảng"),
        # Điều lệ Đảng, Điều 7; Hướng dẫn 01-HD/TW ngày 28/9/2021 (điểm 3.x về
        # miễn, tạm miễn công tác và sinh hoạt đảng). The list is editable per province.
        [
            "Ốm đau dài ngày, điều trị bệnh",
            "Đi làm ăn xa, không có điều kiện sinh hoạt thường xuyên",
            "Đi lao động, học tập ở nước ngoài",
            "Sinh con, nuôi con nhỏ",
            "Hoàn cảnh gia đình đặc biệt khó khăn",
            "Tuổi cao, sức yếu",
        ],
        "Điều lệ Đảng, Điều 7; Hướng dẫn 01-HD/TW ngày 28/9/2021",
    ),
    Parameter(
        "exemption_max_months",
        _("Thời hạn tối đa của một lần tạm miễn sinh hoạt"),
        # Hướng dẫn 01-HD/TW 2021: tạm miễn có thời hạn, hết hạn chi bộ xem xét lại;
        # mặc định 12 tháng (một kỳ đánh giá), tỉnh có thể quy định khác.
        12,
        "Hướng dẫn 01-HD/TW ngày 28/9/2021",
        _("tháng"),
    ),
    Parameter(
        "exemption_expiry_notice_days",
        _("Nhắc chi bộ trước khi hết hạn tạm miễn sinh hoạt"),
        15,
        "Thực tiễn quản lý (seed 004): chi bộ xem xét lại trước khi hết hạn",
        _("ngày"),
    ),
    Parameter(
        "transfer_handin_days",
        _("Số ngày làm việc đảng viên phải nộp giấy giới thiệu sinh hoạt đảng ở nơi đến"),
        # Quy định 24-QĐ/TW 2021 (Điều 8) / Hướng dẫn 01-HD/TW 2021: đảng viên phải
        # xuất trình giấy giới thiệu sinh hoạt đảng trong 30 ngày làm việc.
        30,
        "Quy định 24-QĐ/TW ngày 30/7/2021; Hướng dẫn 01-HD/TW ngày 28/9/2021",
        _("ngày"),
    ),
    Parameter(
        "away_comment_due",
        _("Hạn nơi đến gửi nhận xét về đảng viên đi làm ăn xa (tháng-ngày)"),
        # Seed 004: cuối năm đảng viên về dự đánh giá với nhận xét của nơi đến; hạn
        # trùng với hạn nhận xét nơi cư trú (mặc định của Lienhe, see comment_window_due).
        "11-30",
        "Seed 004 (Sông Lô); ngày: mặc định của Lienhe",
    ),
    Parameter(
        "away_contact_interval_days",
        _("Chu kỳ chi bộ liên lạc với đảng viên đi làm ăn xa"),
        # Seed 004 (Sông Lô): chi bộ duy trì liên lạc hai chiều thường xuyên; mặc định
        # mỗi quý một lần (90 ngày).
        90,
        "Hướng dẫn của Huyện ủy Sông Lô (seed 004); Quy định 24-QĐ/TW",
        _("ngày"),
    ),
]
