"""Regulation parameters of the meetings module (`POLICY_KEYS`, registered from
`meetings/registry.py`). Each default cites its source."""

from django.utils.translation import gettext_lazy as _

from lienhe.orgs.policy import Parameter

POLICY_KEYS = (
    Parameter(
        "min_working_member_meetings_per_year",
        _("Số buổi tối thiểu chi bộ nơi cư trú sinh hoạt với đảng viên đang công tác mỗi năm"),
        # Quy định 213-QĐ/TW, Điều 4, Khoản 3: "Định kỳ 6 tháng hoặc khi cần thiết" the
        # commune committee has the cells meet the working members: one per half-year,
        # hence two per year (counted per half-year, see meetings.report).
        2,
        "Quy định 213-QĐ/TW ngày 02/01/2020, Điều 4, Khoản 3",
        _("buổi/năm"),
    ),
    Parameter(
        "min_regular_meetings_per_year",
        _("Số buổi sinh hoạt chi bộ định kỳ tối thiểu mỗi năm"),
        # Điều lệ Đảng (2011), Điều 24: chi bộ sinh hoạt định kỳ mỗi tháng một
        # lần; Hướng dẫn 12-HD/BTCTW (2012) về nâng cao chất lượng sinh hoạt chi bộ.
        12,
        "Điều lệ Đảng, Điều 24; Hướng dẫn 12-HD/BTCTW ngày 06/7/2012",
        _("buổi/năm"),
    ),
    Parameter(
        "meeting_unrecorded_alert_days",
        _("Số ngày sau ngày sinh hoạt mà chưa ghi nhận buổi họp thì nhắc chi bộ"),
        # Quy ước của hệ thống: một tuần sau ngày sinh hoạt định kỳ chưa điểm danh
        # hoặc lập biên bản thì nhắc; tỉnh có thể đặt khác.
        7,
        "Quy ước vận hành Lienhe (mặc định 7 ngày)",
        _("ngày"),
    ),
    Parameter(
        "unexcused_absence_alert",
        _("Số lần vắng sinh hoạt không lý do trong năm thì cảnh báo"),
        # Điều lệ Đảng, Điều 8, khoản 2: đảng viên bỏ sinh hoạt chi bộ ba tháng
        # trong năm không có lý do chính đáng thì chi bộ xem xét, đề nghị xóa tên.
        3,
        "Điều lệ Đảng, Điều 8 khoản 2",
        _("lần/năm"),
    ),
    Parameter(
        "roll_call_reopen_hours",
        _("Số giờ sau khi chốt điểm danh mà bí thư còn mở lại được"),
        # No regulation sets this; a Lienhe default (issue 16): two days to
        # correct a mistaken closing, then the figures stay as signed.
        48,
        "mặc định của Lienhe",
        _("giờ"),
    ),
    Parameter(
        "residence_absence_alert",
        _(
            "Số lần đảng viên đang công tác vắng sinh hoạt nơi cư trú không lý do "
            "trong năm thì báo cấp ủy nơi công tác"
        ),
        # Quy định 213-QĐ/TW, Điều 4: chi ủy nơi cư trú phản ánh với cấp ủy nơi
        # đảng viên công tác; the regulation sets no number. With one meeting per
        # half-year (Điều 4, Khoản 3), missing both is Lienhe's default threshold.
        2,
        "Quy định 213-QĐ/TW, Điều 4; số lần: mặc định của Lienhe",
        _("lần/năm"),
    ),
)
