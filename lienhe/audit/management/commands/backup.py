"""python manage.py backup OUT  — SQLite online backup or pg_dump (custom format)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lienhe.audit import backup


class Command(BaseCommand):
    requires_system_checks = []  # must run even when another module is broken
    help = "Sao lưu cơ sở dữ liệu ra tệp OUT (SQLite: API sao lưu trực tuyến; PostgreSQL: pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="tệp đích, ví dụ /var/backups/lienhe/2026-11-23.sqlite3")
        parser.add_argument(
            "--manifest",
            action="store_true",
            help="ghi thêm OUT.json: số dòng và mã băm của từng bảng (để diễn tập khôi phục)",
        )

    def handle(self, out, manifest=False, **options):
        path = Path(out)
        try:
            if backup.vendor() == "sqlite":
                result = backup.backup_sqlite(path)
            elif backup.vendor() == "postgresql":
                result = backup.backup_postgres(path)
            else:
                raise CommandError(f"Chưa hỗ trợ {backup.vendor()}")
            if manifest:
                backup.write_manifest(path, backup.fingerprint())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã sao lưu {result.path} ({result.bytes / 2**20:.1f} MB) "
            f"trong {result.seconds:.1f} giây."
        )
