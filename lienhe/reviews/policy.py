"""Regulation parameters of the comment campaign and the review (`POLICY_KEYS`,
registered from `reviews/registry.py`)."""

from django.utils.translation import gettext_lazy as _

from lienhe.orgs.policy import Parameter

POLICY_KEYS = (
    Parameter(
        "comment_levels",
        _("Các mức kết luận của phiếu nhận xét nơi cư trú (mức đầu là mức tốt)"),
        # Hướng dẫn 33-HD/BTCTW, mẫu phiếu nhận xét: chi ủy kết luận đảng viên thực
        # hiện tốt / chưa tốt nhiệm vụ ở nơi cư trú; tỉnh có thể chia mức chi tiết hơn.
        ["Thực hiện tốt", "Thực hiện chưa tốt", "Không thực hiện"],
        "Hướng dẫn 33-HD/BTCTW, mẫu phiếu nhận xét",
    ),
    Parameter(
        "comment_adhoc_days",
        _("Số ngày chi ủy nơi cư trú trả lời yêu cầu nhận xét đột xuất"),
        # No national number: default borrows the 15-day answer time of Luật Tiếp
        # công dân 2013; provinces set their own in their guidance.
        15,
        "Mặc định của hệ thống (tham chiếu Luật Tiếp công dân 2013); tỉnh quy định lại",
        _("ngày"),
    ),
    Parameter(
        "late_request_days",
        _("Số ngày để trả lời yêu cầu lập sau khi hết hạn của đợt hằng năm"),
        # No regulation found for a request made after the yearly window closed;
        # a Lienhe default (issue 16): 15 days from the request, so it is never
        # born overdue.
        15,
        "mặc định của Lienhe",
        _("ngày"),
    ),
    Parameter(
        "leniency_evidence_threshold",
        _("Ngưỡng tỷ lệ dự sinh hoạt/hoàn thành nhiệm vụ dưới đó nhận xét mức tốt bị đánh dấu"),
        # Seeds 000 and 003 name nể nang (lenient comments); a top-level comment for a
        # member who attended under half the meetings is worth a second look.
        50,
        "Mặc định của hệ thống theo bài học seed 000/003 (nể nang)",
        "%",
    ),
    Parameter(
        "review_excellent_cap_percent",
        _("Tỉ lệ tối đa xếp loại Hoàn thành xuất sắc so với số Hoàn thành tốt"),
        # Quy định 366-QĐ/TW (30/8/2025) caps the share of "Hoàn thành xuất sắc nhiệm
        # vụ" relative to "Hoàn thành tốt nhiệm vụ"; the stored public copies did not
        # show the clause in full. 20% is the ratio of Quy định 124-QĐ/TW and of
        # Nghị định 335/2025/NĐ-CP Điều on civil servants ("không vượt quá 20% tổng số
        # … được xếp loại Hoàn thành tốt nhiệm vụ"); enforced per cell and per party
        # committee at finalisation.
        20,
        "Quy định 366-QĐ/TW (tỉ lệ 20% như Quy định 124-QĐ/TW, Nghị định 335/2025/NĐ-CP; "
        "nguyên văn khoản về tỉ lệ chưa đối chiếu được)",
        "%",
    ),
    Parameter(
        "comment_window_open",
        _("Ngày mở đợt nhận xét hằng năm (tháng-ngày)"),
        # Quy định 213-QĐ/TW, Điều 3 and Điều 4: the residence committee comments yearly
        # before the year-end review; the regulation names no date, opening 01/11 is
        # Lienhe's default.
        "11-01",
        "Quy định 213-QĐ/TW, Điều 3, Điều 4 (nhận xét hằng năm); ngày: mặc định của Lienhe",
    ),
    Parameter(
        "comment_window_due",
        _("Hạn gửi nhận xét hằng năm (tháng-ngày)"),
        # Quy định 213-QĐ/TW, Điều 3 and Điều 4: the comment reaches the workplace before
        # its year-end review; no date in the text, 30/11 is Lienhe's default.
        "11-30",
        "Quy định 213-QĐ/TW, Điều 3, Điều 4 (nhận xét hằng năm); ngày: mặc định của Lienhe",
    ),
)
