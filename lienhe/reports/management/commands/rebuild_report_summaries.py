"""Recompute the report summary tables from their rows (after a bulk load or repair)."""

from django.core.management.base import BaseCommand

from lienhe.reports.summaries import rebuild_all


class Command(BaseCommand):
    help = "Tính lại các bảng tổng hợp của báo cáo định kỳ từ dữ liệu gốc."

    def handle(self, *args, **options):
        for name, rows in rebuild_all().items():
            self.stdout.write(f"{name}: {rows:,} dòng".replace(",", "."))
