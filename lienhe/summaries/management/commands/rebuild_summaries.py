"""Recount every summary counter from the source tables (atomic)."""

from django.core.management.base import BaseCommand, CommandError

from lienhe.orgs.models import Organization
from lienhe.summaries import services


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ số liệu tổng hợp từ bảng gốc (trong một giao dịch). "
        "--check: chỉ so sánh và sửa chỗ sai lệch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="mã tổ chức: chỉ tính lại cây con của tổ chức này")
        parser.add_argument(
            "--check", action="store_true", help="so sánh với bảng gốc, ghi nhật ký và sửa"
        )

    def handle(self, *args, org=None, check=False, **opts):
        if check:
            mismatches = services.check(repair=True)
            fixed = " (đã ghi lại từ bảng gốc)" if mismatches else ""
            self.stdout.write(f"sai lệch: {len(mismatches)}{fixed}")
            return
        root = None
        if org:
            root = Organization.objects.filter(code=org).first()
            if root is None:
                raise CommandError(f"Không có tổ chức mã {org!r}.")
        if root is not None:
            rows = {"org_counter": services.rebuild(root)}
        else:
            from lienhe.reports.summaries import rebuild_all  # also the fee totals

            rows = rebuild_all()
        for table, n in rows.items():
            self.stdout.write(f"{table}: đã ghi {n} dòng")
