from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "lienhe.meetings"
    label = "meetings"
    verbose_name = _("Sinh hoạt chi bộ")

    def ready(self) -> None:
        from lienhe.access.navigation import NavItem, register
        from lienhe.members.sections import register_section
        from lienhe.orgs import services as org_services
        from lienhe.orgs.policy import Parameter
        from lienhe.orgs.policy import register as register_param
        from lienhe.reports.home import register_panel

        from . import (
            jobs,  # noqa: F401  (registers the daily jobs)
            panels,
            services,
        )

        org_services.organization_merged.connect(
            services.cancel_on_merge, dispatch_uid="meetings.cancel_on_merge"
        )

        register(NavItem("meetings:list", _("Sinh hoạt chi bộ"), "meetings:read", 40, "meetings"))
        register_section(40, panels.member_section)
        register_panel(40, panels.home_panel)
        register_param(
            Parameter(
                "min_regular_meetings_per_year",
                _("Số buổi sinh hoạt chi bộ định kỳ tối thiểu mỗi năm"),
                # Điều lệ Đảng (2011), Điều 24: chi bộ sinh hoạt định kỳ mỗi tháng một
                # lần; Hướng dẫn 12-HD/BTCTW (2012) về nâng cao chất lượng sinh hoạt chi bộ.
                12,
                "Điều lệ Đảng, Điều 24; Hướng dẫn 12-HD/BTCTW ngày 06/7/2012",
                _("buổi/năm"),
            )
        )
        register_param(
            Parameter(
                "meeting_unrecorded_alert_days",
                _("Số ngày sau ngày sinh hoạt mà chưa ghi nhận buổi họp thì nhắc chi bộ"),
                # Quy ước của hệ thống: một tuần sau ngày sinh hoạt định kỳ chưa điểm danh
                # hoặc lập biên bản thì nhắc; tỉnh có thể đặt khác.
                7,
                "Quy ước vận hành Lienhe (mặc định 7 ngày)",
                _("ngày"),
            )
        )
        register_param(
            Parameter(
                "unexcused_absence_alert",
                _("Số lần vắng sinh hoạt không lý do trong năm thì cảnh báo"),
                # Điều lệ Đảng, Điều 8, khoản 2: đảng viên bỏ sinh hoạt chi bộ ba tháng
                # trong năm không có lý do chính đáng thì chi bộ xem xét, đề nghị xóa tên.
                3,
                "Điều lệ Đảng, Điều 8 khoản 2",
                _("lần/năm"),
            )
        )
        register_param(
            Parameter(
                "roll_call_reopen_hours",
                _("Số giờ sau khi chốt điểm danh mà bí thư còn mở lại được"),
                # No regulation sets this; a Lienhe default (issue 16): two days to
                # correct a mistaken closing, then the figures stay as signed.
                48,
                "mặc định của Lienhe",
                _("giờ"),
            )
        )
        register_param(
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
            )
        )
        from . import flags  # noqa: F401  (registers the red flags of the board page)
