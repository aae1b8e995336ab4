"""python manage.py restore IN --yes  — replaces the whole database with a backup."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lienhe.audit import backup


class Command(BaseCommand):
    requires_system_checks = []  # must run even when another module is broken
    help = "Khôi phục toàn bộ cơ sở dữ liệu từ tệp sao lưu (dữ liệu hiện tại bị thay thế)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="tệp sao lưu do lệnh backup tạo ra")
        parser.add_argument("--yes", action="store_true", help="không hỏi lại")
        parser.add_argument(
            "--check", action="store_true", help="so với SOURCE.json (số dòng, mã băm từng bảng)"
        )

    def handle(self, source, yes=False, check=False, **options):
        path = Path(source)
        if not yes:
            answer = input("Toàn bộ dữ liệu hiện tại sẽ bị thay thế. Gõ 'khoi phuc' để tiếp tục: ")
            if answer.strip() != "khoi phuc":
                raise CommandError("Đã hủy.")
        try:
            if backup.vendor() == "sqlite":
                result = backup.restore_sqlite(path)
            elif backup.vendor() == "postgresql":
                result = backup.restore_postgres(path)
            else:
                raise CommandError(f"Chưa hỗ trợ {backup.vendor()}")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã khôi phục từ {path} trong {result.seconds:.1f} giây.")
        if check:
            manifest = path.with_name(path.name + ".json")
            expected = json.loads(manifest.read_text(encoding="utf-8"))
            actual = backup.fingerprint()
            bad = sorted(
                t for t in expected.keys() | actual.keys() if expected.get(t) != actual.get(t)
            )
            if bad:
                raise CommandError(f"Khác với bản kê khi sao lưu ở các bảng: {', '.join(bad)}")
            self.stdout.write(f"Khớp bản kê: {len(actual)} bảng, số dòng và mã băm giống hệt.")
