"""Build a realistic, deterministic demo province: `seed_demo --members N --seed S`."""

import datetime as dt
import importlib
import random
import sys
import time

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from lienhe.demo.context import EXTENDERS, DemoContext
from lienhe.demo.province import DEMO_ACCOUNTS, build_province
from lienhe.orgs.admin_units import load_admin_units
from lienhe.orgs.models import AdminUnit, Organization


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu một tỉnh (xóa dữ liệu cũ khi có --reset)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--reset", action="store_true", help="xóa toàn bộ dữ liệu trước")
        parser.add_argument("--today", help="ngày làm mốc (YYYY-MM-DD), mặc định hôm nay")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, members, seed, reset, today, quiet, **opts):
        if members < 100:
            raise CommandError("--members phải từ 100 trở lên.")
        if Organization.objects.exists():
            if not reset:
                raise CommandError(
                    "Cơ sở dữ liệu đã có dữ liệu; chạy lại với --reset để xóa và tạo mới."
                )
            call_command("flush", interactive=False, verbosity=0)
        load_admin_units(AdminUnit)
        started = time.monotonic()
        self.quiet = quiet
        ctx = DemoContext(
            rng=random.Random(seed),
            today=dt.date.fromisoformat(today) if today else timezone.localdate(),
            members=members,
            progress=self._progress,
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        with transaction.atomic():
            build_province(ctx)
            for app in apps.get_app_configs():
                if app.name.startswith("lienhe."):
                    try:
                        importlib.import_module(f"{app.name}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{app.name}.demo":
                            raise
            for _order, extend in sorted(EXTENDERS, key=lambda item: item[0]):
                extend(ctx)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        if not quiet:
            sys.stdout.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo tỉnh mẫu: {members:,} đảng viên trong {elapsed:.1f} giây.".replace(
                    ",", "."
                )
            )
        )
        self.stdout.write("Tài khoản mẫu (mật khẩu: lienhe-demo hoặc $LIENHE_DEMO_PASSWORD):")
        for username, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<9} {role}")

    def _progress(self, label: str, done: int, total: int) -> None:
        if self.quiet or not total:
            return
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "░" * (width - filled)
        sys.stdout.write(f"\r{label:<14} [{bar}] {100 * done // total:3d}%")
        sys.stdout.flush()
