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
register(
    Parameter(
        "visit_quota_standing_committee",
        _("Số lần tối thiểu/năm Ủy viên Ban Thường vụ dự sinh hoạt chi bộ"),
        # Quy định 1120-QĐ/TU (Sơn La), seed 001: ủy viên BTV dự ít nhất 2 lần/năm.
        2,
        "Quy định 1120-QĐ/TU Tỉnh ủy Sơn La",
        _("lần/năm"),
    )
)
register(
    Parameter(
        "visit_quota_executive_committee",
        _("Số lần tối thiểu/năm Ủy viên Ban Chấp hành dự sinh hoạt chi bộ"),
        # Quy định 1120-QĐ/TU (Sơn La), seed 001: ủy viên BCH dự ít nhất 3 lần/năm.
        3,
        "Quy định 1120-QĐ/TU Tỉnh ủy Sơn La",
        _("lần/năm"),
    )
)
register(
    Parameter(
        "visit_quota_standing_officer",
        _("Số lần tối thiểu/năm Thường trực cấp ủy dự sinh hoạt chi bộ"),
        # Quy định 1120-QĐ/TU: Thường trực dự sinh hoạt chi bộ khu dân cư bất kỳ trong
        # tỉnh; quy định không nêu số lần, mặc định 2 như Ban Thường vụ.
        2,
        "Quy định 1120-QĐ/TU Tỉnh ủy Sơn La",
        _("lần/năm"),
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
