from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.documents.exports import ListExporter


class LetterExporter(ListExporter):
    permission = "liaison:export"
    personal_data = True
    title = "Giấy giới thiệu"
    filename = "giay-gioi-thieu"

    def header(self):
        return [
            _("Số giấy"),
            _("Họ và tên"),
            _("Số thẻ"),
            _("Điện thoại"),
            _("Đảng ủy giới thiệu"),
            _("Nơi cư trú"),
            _("Tổ"),
            _("Trạng thái"),
            _("Ngày cấp"),
            _("Hạn nộp"),
            _("Ngày nộp"),
            _("Số ngày quá hạn"),
            _("Miễn"),
            _("Lý do miễn"),
            _("Ngày kết thúc"),
            _("Lý do kết thúc"),
        ]

    def rows(self):
        today = timezone.localdate()
        qs = self.queryset.select_related("member", "workplace_org", "residence_org", "group")
        for i in qs.order_by("id").iterator(chunk_size=2000):
            yield [
                i.number,
                i.member.full_name,
                i.member.card_number,
                i.member.phone,
                i.workplace_org.name,
                i.residence_org.name,
                i.group.name if i.group else "",
                i.get_state_display(),
                i.issued_on,
                i.due_on,
                i.handed_in_on,
                i.days_overdue(today) or "",
                i.get_exemption_display() if i.exemption else "",
                i.exemption_reason,
                i.closed_on,
                i.get_closed_reason_display() if i.closed_reason else "",
            ]
