from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.documents.exports import ListExporter, Table
from lienhe.reports.toolkit import percent_number


class PlanExporter(ListExporter):
    permission = "visits:export"
    title = "Kế hoạch dự sinh hoạt"
    filename = "ke-hoach-du-sinh-hoat"

    def __init__(self, queryset, label: str = ""):
        self.queryset = queryset
        if label:
            self.title = f"Kế hoạch {label}".replace("/", "-")

    def header(self):
        return [
            _("Ngày dự"),
            _("Cấp ủy viên"),
            _("Chức vụ"),
            _("Chi bộ"),
            _("Mã chi bộ"),
            _("Vùng sâu, vùng xa"),
            _("Trạng thái"),
            _("Lý do không dự"),
            _("Ngày nộp báo cáo"),
            _("Số ngày nộp muộn"),
        ]

    def rows(self):
        for v in self.queryset.iterator(chunk_size=1000):
            rep = getattr(v, "report", None) if v.state == "done" else None
            yield [
                v.planned_on,
                v.committee_member.full_name,
                v.committee_member.title or v.committee_member.get_position_display(),
                v.cell.name,
                v.cell.code,
                _("Có") if v.cell.is_remote else "",
                v.get_state_display(),
                v.get_miss_reason_display() if v.miss_reason else "",
                timezone.localtime(rep.filed_at).date() if rep else None,
                rep.days_late if rep else None,
            ]


class CommitteeMemberExporter(ListExporter):
    permission = "visits:export"
    personal_data = True
    title = "Cấp ủy viên"
    filename = "cap-uy-vien"

    def header(self):
        return [
            _("Họ và tên"),
            _("Chức vụ"),
            _("Vị trí"),
            _("Phạm vi dự sinh hoạt"),
            _("Bí thư đảng bộ"),
            _("Đơn vị phụ trách"),
            _("Số thẻ đảng viên"),
            _("Tài khoản"),
        ]

    def rows(self):
        for m in self.queryset:
            yield [
                m.full_name,
                m.title,
                m.get_position_display(),
                m.get_scope_display(),
                m.heads_unit.name if m.heads_unit_id else "",
                "; ".join(u.name for u in m.units_in_charge.all()),
                m.member.card_number if m.member_id else "",
                m.user.username if m.user_id else "",
            ]


class ComplianceExporter(ListExporter):
    permission = "visits:export"
    title = "Kết quả dự sinh hoạt"
    filename = "ket-qua-du-sinh-hoat"

    def __init__(self, rows, units=()):
        self.member_rows = rows
        self.units = units

    def header(self):
        return [
            _("Họ và tên"),
            _("Vị trí"),
            _("Chỉ tiêu tối thiểu"),
            _("Chi bộ được phân công"),
            _("Đã dự"),
            _("Tỷ lệ (%)"),
            _("Còn kế hoạch"),
            _("Chưa báo cáo"),
            _("Không dự được"),
            _("Báo cáo muộn"),
            _("Chi bộ vùng sâu, vùng xa đã dự"),
            _("Kết quả"),
        ]

    def rows(self):
        for r in self.member_rows:
            yield [
                r.committee_member.full_name,
                r.committee_member.get_position_display(),
                r.required,
                r.assigned,
                r.done,
                percent_number(r.done, r.required) if r.required else 100.0,
                r.planned,
                r.awaiting,
                r.missed,
                r.late,
                r.remote_done,
                str(r.light_label),
            ]

    def unit_rows(self):
        for u in self.units:
            yield [
                u.unit.name,
                u.cells,
                u.remote_cells,
                u.visits_done,
                u.cells_visited,
                percent_number(u.cells_visited, u.cells),
                u.remote_visited,
            ]

    def sheets(self):
        """Two tables with different headers: one sheet each."""
        tables = [Table(_("Theo cấp ủy viên"), self.header(), self.rows())]
        if self.units:
            unit_header = [
                _("Đơn vị"),
                _("Số chi bộ"),
                _("Chi bộ vùng sâu, vùng xa"),
                _("Lượt dự"),
                _("Chi bộ đã được dự"),
                _("Tỷ lệ bao phủ (%)"),
                _("Chi bộ vùng sâu, vùng xa đã được dự"),
            ]
            tables.append(Table(_("Theo đơn vị"), unit_header, self.unit_rows()))
        return tables


class CellCoverageExporter(ListExporter):
    """Per residence cell: visits received in the period, last visit, remote flag."""

    permission = "visits:export"
    title = "Chi bộ được dự sinh hoạt"
    filename = "chi-bo-duoc-du-sinh-hoat"

    def __init__(self, committee, start, end):
        self.committee = committee
        self.start, self.end = start, end

    def header(self):
        return [
            _("Đơn vị"),
            _("Chi bộ"),
            _("Mã"),
            _("Vùng sâu, vùng xa"),
            _("Lượt đã dự"),
            _("Lượt không dự được"),
            _("Lần dự gần nhất"),
        ]

    def rows(self):
        from django.db.models import Count, Max, Q

        from lienhe.orgs.models import Organization

        from .models import Visit
        from .services import residence_cells

        root = self.committee.organization
        stats = {
            row["cell_id"]: row
            for row in Visit.objects.filter(
                cell__path__startswith=root.path, planned_on__range=(self.start, self.end)
            )
            .values("cell_id")
            .annotate(
                done=Count("id", filter=Q(state="done")),
                missed=Count("id", filter=Q(state="missed")),
                last=Max("planned_on", filter=Q(state="done")),
            )
        }
        parents = dict(
            Organization.objects.filter(path__startswith=root.path)
            .exclude(kind="cell")
            .values_list("path", "name")
        )
        for cell in residence_cells(root).order_by("path").iterator(chunk_size=2000):
            row = stats.get(cell.pk, {})
            yield [
                parents.get(cell.path[: -cell.steplen], ""),
                cell.name,
                cell.code,
                _("Có") if cell.is_remote else "",
                row.get("done", 0),
                row.get("missed", 0),
                row.get("last"),
            ]
