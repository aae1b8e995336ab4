"""Import benchmark: N members from one .xlsx into an empty province subtree.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/import_members.py [N]
    python bench/import_members.py --fresh [N]   # a throw-away migrated SQLite file

Builds a throw-away province with 1,000 cells in the configured database (migrated),
writes an .xlsx like the national software's export, then times: reading + dry run,
the all-or-nothing commit, and an idempotent re-import (nothing changes). Prints a table.
"""

import datetime as dt
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
os.environ.setdefault("DEBUG", "1")  # as before issue 15: DEBUG now defaults to 0
FRESH = "--fresh" in sys.argv
if FRESH:
    sys.argv.remove("--fresh")
    _tmp = tempfile.mkdtemp(prefix="lienhe_import_bench_")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402

from lienhe.members import importers  # noqa: E402
from lienhe.members.models import Member  # noqa: E402
from lienhe.orgs.models import Organization  # noqa: E402

CELLS = 1000


def build_tree(stamp: str) -> tuple[Organization, list[str]]:
    root = Organization.objects.add_root(
        create_kwargs={"code": f"BENCH{stamp}", "name": f"Đảng bộ thử {stamp}", "kind": "province"}
    )
    codes = []
    for b in range(20):
        base = Organization.objects.add_child(
            Organization.objects.get(pk=root.pk),
            create_kwargs={"code": f"B{stamp}-{b}", "name": f"Đảng bộ xã {b}", "kind": "base"},
        )
        for c in range(CELLS // 20):
            code = f"C{stamp}-{b}-{c}"
            Organization.objects.add_child(
                Organization.objects.get(pk=base.pk),
                create_kwargs={"code": code, "name": f"Chi bộ thôn {b}-{c}", "kind": "cell"},
            )
            codes.append(code)
    return Organization.objects.get(pk=root.pk), codes


def build_file(n: int, codes: list[str], stamp: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đảng viên")
    ws.append(["DANH SÁCH ĐẢNG VIÊN"])
    ws.append(
        [
            "STT",
            "Số thẻ đảng viên",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Dân tộc",
            "Số CCCD",
            "Điện thoại",
            "Mã chi bộ",
            "Ngày vào Đảng",
            "Ngày chính thức",
            "Đang công tác",
            "Cơ quan công tác",
            "Địa chỉ",
        ]
    )
    last = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    middle = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang"]
    first = ["An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Lan", "Sơn", "Tuấn", "Yến"]
    prefix = int(stamp[-4:]) % 90 + 10
    for i in range(n):
        birth = dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        ws.append(
            [
                i + 1,
                f"{prefix}{i:08d}",
                f"{last[i % 8]} {middle[i % 6]} {first[i % 10]}",
                birth,
                "Nam" if i % 2 else "Nữ",
                "Kinh",
                f"0{prefix % 96 + 1:02d}{i:09d}",
                f"09{i:08d}",
                codes[i % len(codes)],
                birth.replace(year=birth.year + 25),
                birth.replace(year=birth.year + 26),
                "Có" if i % 3 == 0 else "Không",
                "Sở Y tế" if i % 3 == 0 else "",
                f"Số {i % 200} thôn {i % 30}",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if FRESH:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    stamp = str(int(time.time()))[-6:]
    t0 = time.perf_counter()
    root, codes = build_tree(stamp)
    data = build_file(n, codes, stamp)
    setup = time.perf_counter() - t0

    def timed(fn):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        return result, time.perf_counter() - wall, time.process_time() - cpu

    plan, *dry = timed(lambda: importers.analyze(data, "bench.xlsx", root))
    assert plan.ok and len(plan.creates) == n, plan.errors[:3]
    _plan, *commit = timed(lambda: importers.commit(data, "bench.xlsx", root))
    assert Member.objects.in_subtree(root).count() == n
    again, *reimport = timed(lambda: importers.commit(data, "bench.xlsx", root))
    assert again.unchanged == n

    vendor = django.db.connection.vendor
    print(f"import benchmark ({vendor}, {n:,} rows, {len(data) / 1e6:.1f} MB xlsx)")
    print(f"{'step':<34}{'wall s':>8}{'cpu s':>8}{'rows/s':>10}")
    for label, (wall, cpu) in (
        ("dry run (read + check)", dry),
        ("commit (check again + write)", commit),
        ("re-import, nothing changes", reimport),
    ):
        print(f"{label:<34}{wall:>8.1f}{cpu:>8.1f}{n / wall:>10,.0f}")
    print(f"(set-up: tree + file {setup:.1f} s; limit 60 s per step; wall > cpu = shared CPU)")
    return 0 if max(dry[0], commit[0], reimport[0]) < 60 else 1


if __name__ == "__main__":
    try:
        code = main()
    finally:
        if FRESH:
            shutil.rmtree(_tmp, ignore_errors=True)
    sys.exit(code)
