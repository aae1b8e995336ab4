from django.utils.translation import gettext as _

from lienhe.documents.exports import ListExporter

from . import services


class PetitionExporter(ListExporter):
    permission = "petitions:export"
    personal_data = True
    title = "Kiến nghị"
    filename = "kien-nghi"

    def __init__(self, queryset, *, user):
        self.queryset = queryset
        self.user = user

    def header(self):
        return [
            _("Số"),
            _("Ngày tiếp nhận"),
            _("Nội dung tóm tắt"),
            _("Lĩnh vực"),
            _("Chi bộ/tổ chức nêu"),
            _("Địa điểm"),
            _("Số người liên quan"),
            _("Mức độ"),
            _("Nguồn"),
            _("Trạng thái"),
            _("Cơ quan giải quyết"),
            _("Hạn trả lời"),
            _("Ngày trả lời"),
            _("Trả lời muộn"),
            _("Cụm vấn đề chung"),
            _("Nội dung trả lời"),
        ]

    def rows(self):
        qs = self.queryset.select_related("organization", "category", "agency")
        # cluster headings the viewer may see (issue 15, finding 8)
        titles = services.cluster_titles(
            self.user, self.queryset.values_list("cluster_id", flat=True).distinct()
        )
        for p in qs.order_by("-received_on", "-id").iterator(chunk_size=2000):
            yield [
                p.pk,
                p.received_on,
                p.summary,
                p.category.name,
                p.organization.name,
                p.place,
                p.people_count,
                p.get_priority_display(),
                p.get_source_type_display(),
                p.get_state_display(),
                p.agency.name if p.agency_id else "",
                p.due_on,
                p.answered_at.date() if p.answered_at else None,
                _("Có") if p.answered_late else "",
                titles.get(p.cluster_id, "") if p.cluster_id else "",
                p.answer,
            ]
