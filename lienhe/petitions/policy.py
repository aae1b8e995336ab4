"""Regulation parameters of the petitions module (`POLICY_KEYS`, registered from
`petitions/registry.py`). Each default cites its source."""

from django.utils.translation import gettext_lazy as _

from lienhe.orgs.policy import Parameter

POLICY_KEYS = (
    Parameter(
        "petition_answer_days",
        _("Số ngày cơ quan phải trả lời kiến nghị"),
        # Luật Tiếp công dân 2013 / Nghị định 64/2014: kiến nghị, phản ánh được xem xét,
        # trả lời trong thời hạn 15 ngày; tỉnh có thể quy định ngắn hơn.
        15,
        "Luật Tiếp công dân 2013; Nghị định 64/2014/NĐ-CP",
        _("ngày"),
    ),
    Parameter(
        "petition_cluster_window_days",
        _("Khoảng thời gian gom các kiến nghị trùng nội dung thành một cụm"),
        # Quy ước vận hành Lienhe: kiến nghị cùng lĩnh vực, nội dung gần giống nhau
        # trong vòng 6 tháng được coi là cùng một vấn đề (tỉnh có thể đặt khác).
        180,
        "Quy ước vận hành Lienhe (mặc định 180 ngày)",
        _("ngày"),
    ),
)
