"""Build a realistic, deterministic demo province: `seed_demo --members N --seed S`."""

import datetime as dt
import importlib
import os
import random
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from lienhe.demo.context import EXTENDERS, DemoContext
from lienhe.demo.province import DEMO_ACCOUNTS, build_province
from lienhe.orgs.admin_units import load_admin_units
from lienhe.orgs.models import AdminUnit, Organization


@contextmanager
def _no_query_log():
    """DEBUG logs every query with its quoted parameters: far too slow for bulk loads."""
    old = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = old


def _skip_fk_triggers() -> None:
    """PostgreSQL checks every foreign key of every bulk-written row at COMMIT (Django's
    constraints are deferred): over a million rows that was a minute of the seed. The
    builders make consistent rows by construction (the demo tests seed on SQLite,
    which enforces the keys), so, as `--national` does, a superuser connection skips
    the triggers for this transaction only."""
    if connection.vendor != "postgresql":
        return
    from lienhe.demo.national import _is_superuser

    with connection.cursor() as cursor:
        # One transaction, one commit: nothing to gain from waiting for its WAL flush.
        cursor.execute("SET LOCAL synchronous_commit = off")
        if _is_superuser():
            cursor.execute("SET LOCAL session_replication_role = replica")


def _server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend when it runs on this machine
    and its /proc entry is readable (root or the postgres user); None otherwise."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu một tỉnh (xóa dữ liệu cũ khi có --reset)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--reset", action="store_true", help="xóa toàn bộ dữ liệu trước")
        parser.add_argument("--today", help="ngày làm mốc (YYYY-MM-DD), mặc định hôm nay")
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument(
            "--national",
            action="store_true",
            help="nhiều tỉnh, ghi hàng loạt (COPY trên PostgreSQL) — để đo quy mô toàn quốc",
        )
        parser.add_argument(
            "--no-fees", action="store_true", help="(--national) không tạo đảng phí hằng tháng"
        )

    def handle(self, *args, members, seed, reset, today, quiet, national, no_fees, **opts):
        if national and connection.vendor != "postgresql" and members > 50_000:
            raise CommandError(
                "Bộ dữ liệu toàn quốc lớn cần PostgreSQL (ghi bằng COPY); trên SQLite "
                "chỉ tạo đến 50.000 đảng viên."
            )
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
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        if national:
            from lienhe.demo.national import build_national

            ctx.extras["fees"] = not no_fees
            with _no_query_log():
                counts = build_national(ctx)
            self._finish(members, started, quiet, national=True)
            if not quiet:
                for name, count in sorted(counts.items()):
                    seconds = ctx.extras["seconds"].get(name, 0)
                    self.stdout.write(
                        f"  {name:<18} {count:>12,} {seconds:8.1f} s".replace(",", ".")
                    )
            return
        timings: dict[str, tuple[float, float, float | None]] = {}

        @contextmanager
        def timed(name):
            begun = (time.monotonic(), time.process_time(), _server_cpu())
            yield
            server = _server_cpu()
            timings[name] = (
                time.monotonic() - begun[0],
                time.process_time() - begun[1],
                server - begun[2] if server is not None and begun[2] is not None else None,
            )

        with timed("total, with COMMIT"), transaction.atomic():
            _skip_fk_triggers()
            with timed("province"):
                build_province(ctx)
            for app in apps.get_app_configs():
                if app.name.startswith("lienhe."):
                    try:
                        importlib.import_module(f"{app.name}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{app.name}.demo":
                            raise
            for _order, extend in sorted(EXTENDERS, key=lambda item: item[0]):
                with timed(extend.__module__.removeprefix("lienhe.")):
                    extend(ctx)
            from lienhe.reports.summaries import rebuild_all

            with timed("summaries"):
                rebuild_all()  # extenders bulk-write rows; the report summaries follow them
        self._finish(members, started, quiet)
        if not quiet:  # where the time goes: wall, this process's CPU, the server's CPU
            self.stdout.write(f"  {'':<18} {'wall':>8} {'CPU':>8} {'CPU PG':>8}")
            for name, (wall, cpu, server) in timings.items():
                pg = f"{server:8.1f}" if server is not None else f"{'–':>8}"
                self.stdout.write(f"  {name:<18} {wall:8.1f} {cpu:8.1f} {pg} s")
        self._print_api_keys(ctx.extras.get("api_keys") or {})

    def _print_api_keys(self, keys: dict[str, str]) -> None:
        """Random demo API keys: shown here once, only their hashes are stored."""
        if not keys:
            return
        self.stdout.write("Khóa API mẫu (chỉ hiện một lần; Authorization: Bearer <khóa>):")
        for username, raw in sorted(keys.items()):
            self.stdout.write(f"  {username:<9} {raw}")

    def _finish(self, members, started, quiet, national=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        if not quiet:
            sys.stdout.write("\n")
        what = "Đã tạo dữ liệu toàn quốc" if national else "Đã tạo tỉnh mẫu"
        self.stdout.write(
            self.style.SUCCESS(
                f"{what}: {f'{members:,}'.replace(',', '.')} đảng viên trong "
                f"{f'{elapsed:.1f}'.replace('.', ',')} giây."
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
