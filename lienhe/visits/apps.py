from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "lienhe.visits"
    label = "visits"
    verbose_name = _("Cấp ủy dự sinh hoạt")

    def ready(self) -> None:
        from lienhe.access.navigation import NavItem, register
        from lienhe.members.sections import register_section
        from lienhe.orgs.policy import PARAMETERS, Parameter
        from lienhe.orgs.policy import register as register_parameter
        from lienhe.reports.home import register_panel

        from . import jobs  # noqa: F401  (registers the daily job)
        from .panels import home_panel, member_section

        if "visit_report_due_days" not in PARAMETERS:
            register_parameter(
                Parameter(
                    "visit_report_due_days",
                    _("Số ngày cấp ủy viên phải nộp báo cáo sau khi dự sinh hoạt chi bộ"),
                    # Quy định 1120-QĐ/TU (seed 001) ban hành mẫu báo cáo phải nộp sau mỗi
                    # lần dự nhưng không nêu thời hạn; seed nêu hạn chế "báo cáo chưa kịp
                    # thời". Mặc định 7 ngày (một tuần làm việc), tỉnh quy định lại bằng Policy.
                    7,
                    "Quy định 1120-QĐ/TU Tỉnh ủy Sơn La (mẫu báo cáo); mặc định của Lienhe",
                    _("ngày"),
                )
            )
        if "visit_remind_days_before" not in PARAMETERS:
            register_parameter(
                Parameter(
                    "visit_remind_days_before",
                    _("Nhắc lịch dự sinh hoạt trước bao nhiêu ngày"),
                    # Seed 001: nhiều đồng chí "có công việc đột xuất hoặc đi công tác nên
                    # không về dự theo lịch"; nhắc trước 3 ngày để kịp sắp xếp hoặc báo đổi.
                    3,
                    "Seed 001 (hạn chế khi thực hiện Quy định 1120-QĐ/TU); mặc định của Lienhe",
                    _("ngày"),
                )
            )
        register(NavItem("visits:mine", _("Dự sinh hoạt"), "visits:read", 60, "visits"))
        register_panel(60, home_panel)
        register_section(60, member_section)
        from . import flags  # noqa: F401  (registers the red flags of the board page)
