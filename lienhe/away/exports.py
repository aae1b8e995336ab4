from django.utils.translation import gettext as _

from lienhe.documents.exports import ListExporter


class AwayExporter(ListExporter):
    permission = "away:export"
    personal_data = True
    title = "Đảng viên đi làm ăn xa"
    filename = "dang-vien-di-lam-an-xa"

    def __init__(self, queryset, interval_days: int):
        self.queryset = queryset
        self.interval = interval_days

    def header(self):
        return [
            _("Họ và tên"),
            _("Số thẻ"),
            _("Chi bộ"),
            _("Tình trạng"),
            _("Nơi đến"),
            _("Địa chỉ nơi đến"),
            _("Nơi làm việc"),
            _("Ngày đi"),
            _("Dự kiến về"),
            _("Điện thoại nơi đến"),
            _("Người thân"),
            _("Điện thoại người thân"),
            _("Xin sinh hoạt tạm thời"),
            _("Liên lạc gần nhất"),
            _("Hạn liên lạc tiếp"),
            _("Số thông báo"),
        ]

    def rows(self):
        qs = self.queryset.select_related("member", "organization", "destination_unit").order_by(
            "organization__path", "member__search_name"
        )
        for a in qs.iterator(chunk_size=2000):
            yield [
                a.member.full_name,
                a.member.card_number,
                a.organization.name,
                a.get_status_display(),
                a.destination_label,
                a.destination_address,
                a.employer,
                a.start_on,
                a.expected_end_on,
                a.phone,
                a.family_contact,
                a.family_phone,
                _("Có") if a.wants_temporary_transfer else _("Không"),
                a.last_contact_on,
                a.contact_due_on(self.interval),
                a.decision_number,
            ]


class ExemptionExporter(ListExporter):
    permission = "away:export"
    personal_data = True
    title = "Tạm miễn sinh hoạt"
    filename = "tam-mien-sinh-hoat"

    def header(self):
        return [
            _("Họ và tên"),
            _("Số thẻ"),
            _("Chi bộ"),
            _("Lý do"),
            _("Từ ngày"),
            _("Đến ngày"),
            _("Tình trạng"),
            _("Số quyết định"),
            _("Ngày quyết định"),
        ]

    def rows(self):
        qs = self.queryset.select_related("member", "organization").order_by(
            "organization__path", "-start_on"
        )
        for e in qs.iterator(chunk_size=2000):
            yield [
                e.member.full_name,
                e.member.card_number,
                e.organization.name,
                e.ground,
                e.start_on,
                e.end_on,
                e.get_status_display(),
                e.decision_number,
                e.issued_on,
            ]


class TransferExporter(ListExporter):
    permission = "away:export"
    personal_data = True
    title = "Chuyển sinh hoạt đảng"
    filename = "chuyen-sinh-hoat-dang"

    def header(self):
        return [
            _("Họ và tên"),
            _("Số thẻ"),
            _("Hình thức"),
            _("Nơi đi"),
            _("Nơi đến"),
            _("Tình trạng"),
            _("Số giấy giới thiệu"),
            _("Ngày cấp"),
            _("Hạn nộp"),
            _("Ngày tiếp nhận"),
            _("Sinh hoạt tạm thời đến"),
        ]

    def rows(self):
        qs = self.queryset.select_related("member", "organization", "to_organization")
        for t in qs.iterator(chunk_size=2000):
            yield [
                t.member.full_name,
                t.member.card_number,
                t.get_kind_display(),
                t.organization.name,
                t.destination_label,
                t.get_status_display(),
                t.letter_number,
                t.sent_on,
                t.handin_due,
                t.received_on,
                t.until,
            ]


class ArrearsExporter(ListExporter):
    permission = "away:export"
    personal_data = True
    title = "Nợ đảng phí"
    filename = "no-dang-phi"

    def header(self):
        return [
            _("Họ và tên"),
            _("Số thẻ"),
            _("Chi bộ"),
            _("Phải đóng lũy kế (đ)"),
            _("Đã đóng (đ)"),
            _("Còn nợ (đ)"),
        ]

    def rows(self):
        for m in self.queryset.iterator(chunk_size=2000):
            yield [
                m.full_name,
                m.card_number,
                m.organization.name,
                m.due_total,
                m.paid_total,
                m.arrears,
            ]


class FeeReportExporter(ListExporter):
    permission = "away:export"
    title = "Báo cáo thu nộp đảng phí"
    filename = "bao-cao-dang-phi"

    def __init__(self, org, month, rows, totals):
        self.org, self.month, self.data, self.totals = org, month, rows, totals

    def header(self):
        return [
            _("Chi bộ"),
            _("Mã"),
            _("Tháng"),
            _("Số đảng viên phải đóng"),
            _("Phải thu (đ)"),
            _("Đã thu (đ)"),
            _("Còn thiếu (đ)"),
            _("Nộp cấp trên (đ)"),
        ]

    def rows(self):
        label = self.month.strftime("%m/%Y")
        for r in self.data:
            yield [
                r["cell"].name,
                r["cell"].code,
                label,
                r["billed"],
                r["due"],
                r["collected"],
                r["missing"],
                r["remit"],
            ]
        t = self.totals
        yield [
            _("Tổng cộng"),
            self.org.code,
            label,
            t["billed"],
            t["due"],
            t["collected"],
            t["missing"],
            t["remit"],
        ]


class SupervisionExporter(ListExporter):
    permission = "away:export"
    title = "Quản lý đảng viên đi xa"
    filename = "bao-cao-quan-ly-dang-vien-di-xa"

    def __init__(self, data):
        self.data = data

    def header(self):
        return [
            _("Chi bộ"),
            _("Mã"),
            _("Đang đi làm ăn xa"),
            _("Quá hạn liên lạc"),
            _("Giữ liên lạc"),
            _("Chưa có nhận xét nơi đến"),
            _("Đang tạm miễn sinh hoạt"),
            _("Nợ đảng phí từ 3 tháng"),
            _("Báo cáo chờ xử lý"),
        ]

    def rows(self):
        for r in self.data["rows"]:
            yield [
                r["cell"].name,
                r["cell"].code,
                r.get("away", 0),
                r.get("overdue", 0),
                r.get("away", 0) - r.get("overdue", 0),
                r.get("no_comment", 0),
                r.get("exempted", 0),
                r.get("arrears", 0),
                r.get("pending", 0),
            ]
        totals = self.data["totals"]
        in_contact = next(
            f["value"] for f in self.data["catalogue"] if f["name"] == "away_in_contact"
        )
        yield [
            _("Cộng"),
            "",
            totals.get("away", 0),
            totals.get("overdue", 0),
            in_contact,  # the catalogue figure (issue 16)
            totals.get("no_comment", 0),
            totals.get("exempted", 0),
            totals.get("arrears", 0),
            totals.get("pending", 0),
        ]
