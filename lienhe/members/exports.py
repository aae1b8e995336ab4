from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.access.scoping import member_fields_at
from lienhe.documents.exports import ListExporter

# (member field the column shows, header label, value). A cell is filled only when the
# viewer may see its field (`lienhe.access.scoping.member_fields_at`): a working member
# seen through the liaison window exports as a contact card (issue 15, finding 2).
COLUMNS = [
    ("card_number", gettext_lazy("Số thẻ"), lambda m: m.card_number),
    ("full_name", gettext_lazy("Họ và tên"), lambda m: m.full_name),
    ("birth_date", gettext_lazy("Ngày sinh"), lambda m: m.birth_date),
    ("gender", gettext_lazy("Giới tính"), lambda m: m.get_gender_display()),
    ("ethnicity", gettext_lazy("Dân tộc"), lambda m: m.ethnicity),
    ("phone", gettext_lazy("Điện thoại"), lambda m: m.phone),
    ("organization", gettext_lazy("Chi bộ"), lambda m: m.organization.name),
    ("organization", gettext_lazy("Mã chi bộ"), lambda m: m.organization.code),
    ("status", gettext_lazy("Tình trạng"), lambda m: m.get_status_display()),
    (
        "is_working",
        gettext_lazy("Đang công tác"),
        lambda m: _("Có") if m.is_working else _("Không"),
    ),
    ("employer", gettext_lazy("Cơ quan công tác"), lambda m: m.employer),
    ("joined_on", gettext_lazy("Ngày vào Đảng"), lambda m: m.joined_on),
    ("official_on", gettext_lazy("Ngày chính thức"), lambda m: m.official_on),
    ("home_address", gettext_lazy("Địa chỉ nơi cư trú"), lambda m: m.home_address),
]


class MemberExporter(ListExporter):
    permission = "members:export"
    personal_data = True
    title = "Đảng viên"
    filename = "dang-vien"

    def __init__(self, queryset, *, user):
        """`user` is the viewer whose field rule applies to every row."""
        self.queryset = queryset
        self.user = user

    def header(self):
        return [str(label) for _field, label, _value in COLUMNS]

    def fields_for(self, m) -> frozenset[str]:
        return member_fields_at(self.user, m.pk, m.organization.path)

    def rows(self):
        qs = self.queryset.select_related("organization").order_by(
            "organization__path", "search_name"
        )
        for m in qs.iterator(chunk_size=2000):
            shown = self.fields_for(m)
            yield [value(m) if field in shown else None for field, _label, value in COLUMNS]
