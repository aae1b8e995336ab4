from django.utils.translation import gettext as _

from lienhe.documents.exports import ListExporter


class MemberExporter(ListExporter):
    permission = "members:export"
    personal_data = True
    title = "Đảng viên"
    filename = "dang-vien"

    def __init__(self, queryset):
        self.queryset = queryset

    def header(self):
        return [
            _("Số thẻ"),
            _("Họ và tên"),
            _("Ngày sinh"),
            _("Giới tính"),
            _("Dân tộc"),
            _("Điện thoại"),
            _("Chi bộ"),
            _("Mã chi bộ"),
            _("Tình trạng"),
            _("Đang công tác"),
            _("Cơ quan công tác"),
            _("Ngày vào Đảng"),
            _("Ngày chính thức"),
            _("Địa chỉ nơi cư trú"),
        ]

    def rows(self):
        qs = self.queryset.select_related("organization").order_by(
            "organization__path", "search_name"
        )
        for m in qs.iterator(chunk_size=2000):
            yield [
                m.card_number,
                m.full_name,
                m.birth_date,
                m.get_gender_display(),
                m.ethnicity,
                m.phone,
                m.organization.name,
                m.organization.code,
                m.get_status_display(),
                _("Có") if m.is_working else _("Không"),
                m.employer,
                m.joined_on,
                m.official_on,
                m.home_address,
            ]
