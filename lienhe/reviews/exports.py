from django.utils import timezone

from lienhe.documents.exports import ListExporter


class CommentExporter(ListExporter):
    permission = "reviews:export"
    personal_data = True
    title = "Nhận xét nơi cư trú"
    filename = "nhan-xet-noi-cu-tru"

    def __init__(self, queryset, year: int):
        self.queryset = queryset
        self.year = year

    def header(self):
        return [
            "Năm",
            "Họ và tên",
            "Số thẻ",
            "Chi bộ nơi cư trú",
            "Nơi công tác",
            "Trạng thái",
            "Hạn gửi",
            "Ngày gửi",
            "Kết luận",
            "Ghi chú",
        ]

    def rows(self):
        for c in self.queryset.iterator(chunk_size=2000):
            sent = timezone.localtime(c.sent_at).date() if c.sent_at else None
            note = "Đính chính: " + c.correction_reason if c.correction_reason else ""
            yield [
                c.year,
                c.member.full_name,
                c.member.card_number,
                c.residence_org.name,
                c.workplace_org.name,
                c.get_state_display(),
                c.due_on,
                sent,
                c.conclusion_label,
                note,
            ]
