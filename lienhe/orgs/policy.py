"""Registry of regulation parameters. Each default cites its source; provinces
override them with `Policy` rows. Later modules add their keys here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Parameter:
    key: str
    label: Any
    default: Any
    source: str
    unit: Any = ""


PARAMETERS: dict[str, Parameter] = {}


def register(param: Parameter) -> Parameter:
    PARAMETERS[param.key] = param
    return param


register(
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
    )
)
register(
    Parameter(
        "min_working_member_meetings_per_year",
        _("Số buổi tối thiểu chi bộ nơi cư trú sinh hoạt với đảng viên đang công tác mỗi năm"),
        # Quy định 213-QĐ/TW, Điều 4, Khoản 3: "Định kỳ 6 tháng hoặc khi cần thiết" the
        # commune committee has the cells meet the working members: one per half-year,
        # hence two per year (counted per half-year, see meetings.report).
        2,
        "Quy định 213-QĐ/TW ngày 02/01/2020, Điều 4, Khoản 3",
        _("buổi/năm"),
    )
)
register(
    Parameter(
        "comment_window_open",
        _("Ngày mở đợt nhận xét hằng năm (tháng-ngày)"),
        # Quy định 213-QĐ/TW, Điều 3 and Điều 4: the residence committee comments yearly
        # before the year-end review; the regulation names no date, opening 01/11 is
        # Lienhe's default.
        "11-01",
        "Quy định 213-QĐ/TW, Điều 3, Điều 4 (nhận xét hằng năm); ngày: mặc định của Lienhe",
    )
)
register(
    Parameter(
        "comment_window_due",
        _("Hạn gửi nhận xét hằng năm (tháng-ngày)"),
        # Quy định 213-QĐ/TW, Điều 3 and Điều 4: the comment reaches the workplace before
        # its year-end review; no date in the text, 30/11 is Lienhe's default.
        "11-30",
        "Quy định 213-QĐ/TW, Điều 3, Điều 4 (nhận xét hằng năm); ngày: mặc định của Lienhe",
    )
)
# Visit minimums: no central regulation sets them, so the neutral default is 0 (no
# minimum, shown as "không quy định"). A province that has its own rule chooses a named
# preset (PRESETS below), e.g. Sơn La's Quy định 1120-QĐ/TU.
register(
    Parameter(
        "visit_quota_standing_committee",
        _("Số lần tối thiểu/năm Ủy viên Ban Thường vụ dự sinh hoạt chi bộ"),
        0,
        "Không có quy định trung ương (0 = không quy định); tỉnh chọn bộ quy định của mình",
        _("lần/năm"),
    )
)
register(
    Parameter(
        "visit_quota_executive_committee",
        _("Số lần tối thiểu/năm Ủy viên Ban Chấp hành dự sinh hoạt chi bộ"),
        0,
        "Không có quy định trung ương (0 = không quy định); tỉnh chọn bộ quy định của mình",
        _("lần/năm"),
    )
)
register(
    Parameter(
        "visit_quota_standing_officer",
        _("Số lần tối thiểu/năm Thường trực cấp ủy dự sinh hoạt chi bộ"),
        0,
        "Không có quy định trung ương (0 = không quy định); tỉnh chọn bộ quy định của mình",
        _("lần/năm"),
    )
)
register(
    Parameter(
        "visit_monthly_rhythm",
        _("Cấp ủy cấp dưới tỉnh phân công cấp ủy viên dự sinh hoạt chi bộ hằng tháng"),
        # Off by default; Sơn La's preset turns it on (Quy định 1120-QĐ/TU as reported in
        # seed 001: "phân công cấp ủy định kỳ hằng tháng về dự sinh hoạt với chi bộ").
        False,
        "Không có quy định trung ương; bật theo bộ quy định của tỉnh",
    )
)


@dataclass(frozen=True)
class Preset:
    """A named set of Policy values a province chooses as a whole (its own regulation)."""

    key: str
    label: Any
    source: str
    values: dict


PRESETS: dict[str, Preset] = {}


def register_preset(preset: Preset) -> Preset:
    PRESETS[preset.key] = preset
    return preset


register_preset(
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
    )
)


register(
    Parameter(
        "petition_answer_days",
        _("Số ngày cơ quan phải trả lời kiến nghị"),
        # Luật Tiếp công dân 2013 / Nghị định 64/2014: kiến nghị, phản ánh được xem xét,
        # trả lời trong thời hạn 15 ngày; tỉnh có thể quy định ngắn hơn.
        15,
        "Luật Tiếp công dân 2013; Nghị định 64/2014/NĐ-CP",
        _("ngày"),
    )
)
register(
    Parameter(
        "away_contact_interval_days",
        _("Chu kỳ chi bộ liên lạc với đảng viên đi làm ăn xa"),
        # Seed 004 (Sông Lô): chi bộ duy trì liên lạc hai chiều thường xuyên; mặc định
        # mỗi quý một lần (90 ngày).
        90,
        "Hướng dẫn của Huyện ủy Sông Lô (seed 004); Quy định 24-QĐ/TW",
        _("ngày"),
    )
)
