"""Regulation parameters of the visits module (`POLICY_KEYS` and the provinces'
`PRESETS`, registered from `visits/registry.py`). Each default cites its source."""

from django.utils.translation import gettext_lazy as _

from lienhe.orgs.policy import Parameter, Preset

PRESETS = (
    Preset(
        "son_la_1120",
        _("Sơn La — Quy định 1120-QĐ/TU"),
        # Quy định 1120-QĐ/TU ngày 20/1/2020 của Ban Thường vụ Tỉnh ủy Sơn La, as summarised
        # in seed 001: Ủy viên BTV "tối thiểu dự sinh hoạt 2 lần/năm"; Ủy viên BCH "tối
        # thiểu dự sinh hoạt 3 lần/năm"; Thường trực: no number given (stays 0); district
        # committees assign members "định kỳ hằng tháng".
        "Quy định 1120-QĐ/TU ngày 20/1/2020 của Ban Thường vụ Tỉnh ủy Sơn La (seed 001)",
        {
            "visit_quota_standing_committee": 2,
            "visit_quota_executive_committee": 3,
            "visit_quota_standing_officer": 0,
            "visit_monthly_rhythm": True,
        },
    ),
)

# Visit minimums: no central regulation sets them, so the neutral default is 0 (no
# minimum, shown as "không quy định"). A province that has its own rule chooses a named
# preset (PRESETS above), e.g. Sơn La's Quy định 1120-QĐ/TU.
POLICY_KEYS = (
    Parameter(
        "visit_quota_standing_committee",
        _("Số lần tối thiểu/năm Ủy viên Ban Thường vụ dự sinh hoạt chi bộ"),
        0,
        "Không có quy định trung ương (0 = không quy định); tỉnh chọn bộ quy định của mình",
        _("lần/năm"),
    ),
    Parameter(
        "visit_quota_executive_committee",
        _("Số lần tối thiểu/năm Ủy viên Ban Chấp hành dự sinh hoạt chi bộ"),
        0,
        "Không có quy định trung ương (0 = không quy định); tỉnh chọn bộ quy định của mình",
        _("lần/năm"),
    ),
    Parameter(
        "visit_quota_standing_officer",
        _("Số lần tối thiểu/năm Thường trực cấp ủy dự sinh hoạt chi bộ"),
        0,
        "Không có quy định trung ương (0 = không quy định); tỉnh chọn bộ quy định của mình",
        _("lần/năm"),
    ),
    Parameter(
        "visit_monthly_rhythm",
        _("Cấp ủy cấp dưới tỉnh phân công cấp ủy viên dự sinh hoạt chi bộ hằng tháng"),
        # Off by default; Sơn La's preset turns it on (Quy định 1120-QĐ/TU as reported in
        # seed 001: "phân công cấp ủy định kỳ hằng tháng về dự sinh hoạt với chi bộ").
        False,
        "Không có quy định trung ương; bật theo bộ quy định của tỉnh",
    ),
    Parameter(
        "visit_report_due_days",
        _("Số ngày cấp ủy viên phải nộp báo cáo sau khi dự sinh hoạt chi bộ"),
        # Quy định 1120-QĐ/TU (seed 001) ban hành mẫu báo cáo phải nộp sau mỗi
        # lần dự nhưng không nêu thời hạn; seed nêu hạn chế "báo cáo chưa kịp
        # thời". Mặc định 7 ngày (một tuần làm việc), tỉnh quy định lại bằng Policy.
        7,
        "Quy định 1120-QĐ/TU Tỉnh ủy Sơn La (mẫu báo cáo); mặc định của Lienhe",
        _("ngày"),
    ),
    Parameter(
        "visit_remind_days_before",
        _("Nhắc lịch dự sinh hoạt trước bao nhiêu ngày"),
        # Seed 001: nhiều đồng chí "có công việc đột xuất hoặc đi công tác nên
        # không về dự theo lịch"; nhắc trước 3 ngày để kịp sắp xếp hoặc báo đổi.
        3,
        "Seed 001 (hạn chế khi thực hiện Quy định 1120-QĐ/TU); mặc định của Lienhe",
        _("ngày"),
    ),
)
