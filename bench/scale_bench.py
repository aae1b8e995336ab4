"""National scale (issue 11): the main pages and the periodic report at 10k, 100k and
1M members, time (median) and SQL queries, beside a hand-written SQL aggregate on the
same data, so the growth curve is visible.

    python bench/scale_bench.py                              # SQLite, 10k (quick)
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/scale_bench.py --sizes 10000,100000,1000000

Each size has its own database built by `seed_demo --national --members N` (several
provinces, a year of activity in every module; COPY on PostgreSQL). On PostgreSQL the
databases are named `<prefix><size>` (default prefix `lienhe_scale_`, e.g.
`lienhe_scale_1m`) and are reused when they already hold the national set of that
size (building 1M takes a while); `--drop` deletes them afterwards. SQLite files live
in a temporary directory and are always deleted. Measured in a child process, with
the Django test client logged in as the superuser `admin` (national scope).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BASE_ENV = {"DEBUG": "1", "LIENHE_REQUIRE_2FA": "0", "AXES_ENABLED": "0", "LOG_LEVEL": "ERROR"}


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k"


def _env(url: str) -> dict[str, str]:
    return {**os.environ, **BASE_ENV, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}


def _manage(url: str, *args: str, quiet: bool = True) -> float:
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=_env(url),
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    return time.monotonic() - started


def _members_in(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT COUNT(*) FROM members_member").fetchone()[0]
    except Exception:
        return None


def prepare_pg(base_url: str, prefix: str, size: int) -> tuple[str, float | None]:
    import psycopg

    parsed = urlparse(base_url)
    name = f"{prefix}{label(size)}"
    url = urlunparse(parsed._replace(path=f"/{name}"))
    admin = urlunparse(parsed._replace(path="/postgres"))
    if _members_in(url) == size:
        return url, None
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    _manage(url, "migrate", "--noinput", "-v", "0")
    _manage(url, "seed_demo", "--national", "--members", str(size), quiet=False)
    return url, time.monotonic() - started


def drop_pg(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path[1:]}" WITH (FORCE)')


def measure_in_child(url: str, repeat: int) -> dict:
    out = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--measure", "--repeat", str(repeat)],
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.PIPE,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"đo thất bại (mã {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- measuring


def _median_ms(func, repeat: int) -> float:
    func()  # warm caches
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measure(repeat: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")

    os.environ.setdefault("DEBUG", "1")  # as before issue 15: DEBUG now defaults to 0
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from lienhe.access.models import User
    from lienhe.members.models import Member
    from lienhe.orgs.models import Organization
    from lienhe.reports.periodic import build_report, national_root, parse_period

    today = timezone.localdate()
    user = User.objects.get(username="admin")
    client = Client()
    client.force_login(user)
    provinces = list(Organization.objects.filter(depth=1).order_by("path"))
    province = provinces[0]
    members_total = Member.objects.count()
    members_province = Member.objects.in_subtree(province).count()
    rows = []

    def sql(query: str, params: list):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                cursor.fetchall()

        return run

    def count_queries(func) -> int:
        with CaptureQueriesContext(connection) as ctx:
            func()
        return len(ctx.captured_queries)

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    lo, hi = province.path, province.path + "~"
    subtree = "o.path >= %s AND o.path < %s"
    members_sql = sql(
        "SELECT COUNT(*), SUM(CASE WHEN m.is_working THEN 1 ELSE 0 END) FROM members_member m "
        f"JOIN orgs_organization o ON o.id = m.organization_id WHERE {subtree}",
        [lo, hi],
    )
    search_sql = sql(
        "SELECT m.id FROM members_member m JOIN orgs_organization o ON o.id = m.organization_id "
        f"WHERE {subtree} AND m.search_name LIKE %s ORDER BY m.search_name, m.id LIMIT 50",
        [lo, hi, "%nguyen van a%"],
    )
    first_page_sql = sql(
        "SELECT m.id FROM members_member m ORDER BY m.search_name, m.id LIMIT 50", []
    )
    children_sql = sql(
        "SELECT o.id, COUNT(m.id) FROM orgs_organization o LEFT JOIN members_member m "
        "ON m.organization_id = o.id WHERE o.depth = 2 AND o.path LIKE %s GROUP BY o.id",
        [province.path + "%"],
    )
    start = dt_date(today.year, 1, 1)
    meetings_sql = sql(
        "SELECT COUNT(*), SUM(expected_count), SUM(present_count) FROM meetings_meeting m "
        f"JOIN orgs_organization o ON o.id = m.organization_id WHERE {subtree} "
        "AND m.state = 'held' AND m.planned_at >= %s",
        [lo, hi, start],
    )
    petitions_sql = sql(
        "SELECT p.state, COUNT(*) FROM petitions_petition p JOIN orgs_organization o "
        f"ON o.id = p.organization_id WHERE {subtree} GROUP BY p.state",
        [lo, hi],
    )
    away_sql = sql(
        "SELECT COUNT(*) FROM away_awayperiod a JOIN orgs_organization o "
        f"ON o.id = a.organization_id WHERE {subtree} AND a.status IN ('approved','returned')",
        [lo, hi],
    )
    letters_sql = sql(
        "SELECT i.state, COUNT(*) FROM liaison_introduction i JOIN orgs_organization o "
        f"ON o.id = i.workplace_org_id WHERE {subtree} GROUP BY i.state",
        [lo, hi],
    )
    visits_sql = sql(
        "SELECT v.state, COUNT(*) FROM visits_visit v JOIN orgs_organization o "
        f"ON o.id = v.cell_id WHERE {subtree} GROUP BY v.state",
        [lo, hi],
    )
    reviews_sql = sql(
        "SELECT r.decision_level, COUNT(*) FROM reviews_yearreview r JOIN orgs_organization o "
        f"ON o.id = r.organization_id WHERE {subtree} AND r.year = %s GROUP BY 1",
        [lo, hi, today.year - 1],
    )
    org = f"?org={province.pk}"
    cases = [
        ("trang chủ", reverse("home"), members_sql, "1"),
        ("danh sách đảng viên", reverse("members:list"), first_page_sql, "50"),
        ("tìm đảng viên", reverse("members:list") + "?q=nguyen+van+a", search_sql, "50"),
        ("cây tổ chức (tỉnh)", reverse("orgs:tree") + org, children_sql, "con"),
        ("giấy giới thiệu", reverse("liaison:list") + org, letters_sql, "50"),
        ("báo cáo tham gia", reverse("reports:participation") + org, letters_sql, "con"),
        ("sinh hoạt chi bộ", reverse("meetings:list") + org, meetings_sql, "50"),
        ("báo cáo sinh hoạt", reverse("meetings:report") + org, meetings_sql, "con"),
        ("dự sinh hoạt (kết quả)", reverse("visits:compliance") + org, visits_sql, "con"),
        ("kiến nghị", reverse("petitions:list") + org, petitions_sql, "50"),
        ("báo cáo kiến nghị", reverse("petitions:report") + org, petitions_sql, "con"),
        ("đi làm ăn xa", reverse("away:list") + org, away_sql, "50"),
        ("giám sát đi làm ăn xa", reverse("away:report") + org, away_sql, "con"),
        ("báo cáo xếp loại", reverse("reviews:report") + org, reviews_sql, "con"),
    ]
    for name, url, hand, result in cases:
        get = page(url)
        try:
            queries = count_queries(get)
        except AssertionError as exc:
            rows.append({"name": name, "error": str(exc)})
            continue
        rows.append(
            {
                "name": name,
                "page_ms": _median_ms(get, repeat),
                "queries": queries,
                "sql_ms": _median_ms(hand, repeat),
                "result": result,
            }
        )

    # The periodic report: what the background task computes (all sections, this
    # period and the previous one) for one province and for the whole country.
    period = parse_period(str(today.year))

    def periodic_hand(lo: str, hi: str):
        # The main aggregates of every section, hand-written, this year and last.
        queries = []
        for year in (today.year, today.year - 1):
            s, e = dt_date(year, 1, 1), dt_date(year, 12, 31)
            queries += [
                sql(
                    "SELECT COUNT(*), SUM(CASE WHEN m.is_working THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN m.joined_on >= %s THEN 1 ELSE 0 END) FROM members_member m "
                    f"JOIN orgs_organization o ON o.id = m.organization_id WHERE {subtree} "
                    "AND m.joined_on <= %s",
                    [s, lo, hi, e],
                ),
                sql(
                    "SELECT COUNT(*), SUM(expected_count), SUM(present_count), "
                    "COUNT(DISTINCT m.organization_id) FROM meetings_meeting m "
                    f"JOIN orgs_organization o ON o.id = m.organization_id WHERE {subtree} "
                    "AND m.state = 'held' AND m.planned_at >= %s AND m.planned_at < %s",
                    [lo, hi, s, dt_date(year + 1, 1, 1)],
                ),
                sql(
                    "SELECT SUM(f.amount) FROM away_feedue f JOIN orgs_organization o "
                    f"ON o.id = f.organization_id WHERE {subtree} AND f.month BETWEEN %s AND %s",
                    [lo, hi, s, e],
                ),
                sql(
                    "SELECT SUM(f.amount) FROM away_feepayment f JOIN orgs_organization o "
                    f"ON o.id = f.organization_id WHERE {subtree} AND f.month BETWEEN %s AND %s",
                    [lo, hi, s, e],
                ),
                sql(
                    "SELECT COUNT(*) FROM liaison_introduction i JOIN members_member m "
                    "ON m.id = i.member_id JOIN orgs_organization o ON o.id = m.organization_id "
                    f"WHERE {subtree} AND m.is_working AND i.state IN ('active','handed_in')",
                    [lo, hi],
                ),
                sql(
                    "SELECT r.decision_level, COUNT(*) FROM reviews_yearreview r "
                    "JOIN orgs_organization o ON o.id = r.organization_id "
                    f"WHERE {subtree} AND r.year = %s GROUP BY 1",
                    [lo, hi, year],
                ),
            ]

        def run():
            for q in queries:
                q()

        return run

    for name, root, size in [
        ("báo cáo định kỳ — 1 tỉnh", province, members_province),
        ("báo cáo định kỳ — toàn quốc", national_root(), members_total),
    ]:
        lo_, hi_ = root.path, root.path + "~"

        def report(root=root):
            build_report(root, period)

        queries = count_queries(report)
        rows.append(
            {
                "name": name,
                "page_ms": _median_ms(report, max(3, repeat // 2)),
                "queries": queries,
                "sql_ms": _median_ms(periodic_hand(lo_, hi_), max(3, repeat // 2)),
                "result": "mục",
                "members": size,
            }
        )
    return {
        "members": members_total,
        "province_members": members_province,
        "provinces": len(provinces),
        "vendor": connection.vendor,
        "rows": rows,
    }


def dt_date(y, m, d):
    import datetime as dt

    return dt.date(y, m, d)


# --------------------------------------------------------------------------- printing


def print_size(size: int, seed: float | None, result: dict) -> None:
    built = f"seed_demo --national {seed:.0f} s" if seed else "dữ liệu có sẵn"
    print(
        f"\n{result['vendor']}, {result['members']:,} đảng viên, {result['provinces']} tỉnh "
        f"(tỉnh đo: {result['province_members']:,}) — {built}".replace(",", ".")
    )
    head = f"{'phép đo':<30}{'trang ms':>10}{'truy vấn':>10}{'SQL tay ms':>12}{'tỉ lệ':>8}"
    print(head)
    print("-" * len(head))
    for row in result["rows"]:
        if "error" in row:
            print(f"{row['name']:<30} LỖI {row['error']}")
            continue
        ratio = row["page_ms"] / row["sql_ms"] if row["sql_ms"] else float("inf")
        print(
            f"{row['name']:<30}{row['page_ms']:>10.1f}{row['queries']:>10}"
            f"{row['sql_ms']:>12.1f}{ratio:>8.1f}"
        )
    sys.stdout.flush()


def print_growth(results: list[tuple[int, dict]]) -> None:
    if len(results) < 2:
        return
    print("\nĐường tăng trưởng (thời gian cỡ sau / cỡ trước; số đảng viên tăng bao nhiêu lần)")
    names = [r["name"] for r in results[0][1]["rows"] if "error" not in r]
    steps = list(zip(results, results[1:], strict=False))
    head = f"{'phép đo':<30}" + "".join(
        f"{label(a) + '→' + label(b):>16}" for (a, _r), (b, _s) in steps
    )
    print(head)
    print("-" * len(head))
    print(
        f"{'(số đảng viên)':<30}"
        + "".join(f"{rb['members'] / ra['members']:>15.1f}x" for (_a, ra), (_b, rb) in steps)
    )
    for name in names:
        cells = []
        for (_a, ra), (_b, rb) in steps:
            x = next((r for r in ra["rows"] if r["name"] == name), None)
            y = next((r for r in rb["rows"] if r["name"] == name), None)
            if not x or not y or "error" in x or "error" in y:
                cells.append(f"{'—':>16}")
                continue
            cells.append(f"{y['page_ms'] / x['page_ms']:>9.1f}x q{y['queries'] - x['queries']:+d}")
        print(f"{name:<30}" + "".join(f"{c:>16}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pg_url = os.environ.get("BENCH_PG_URL", "")
    parser.add_argument("--sizes", default="10000,100000,1000000" if pg_url else "10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg-url", default=pg_url, help="PostgreSQL (mặc định $BENCH_PG_URL)")
    parser.add_argument("--prefix", default="lienhe_scale_", help="tên CSDL = prefix + 10k/1m")
    parser.add_argument("--drop", action="store_true", help="xóa các CSDL PostgreSQL sau khi đo")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.repeat)))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = []
    started = time.monotonic()
    for size in sizes:
        if args.pg_url:
            url, seed = prepare_pg(args.pg_url, args.prefix, size)
        else:
            if size > 50_000:
                print(f"Bỏ qua {size:,} trên SQLite (cần BENCH_PG_URL).".replace(",", "."))
                continue
            tmp = Path(tempfile.mkdtemp(prefix="lienhe_scale_", dir="/tmp"))
            url = f"sqlite:///{tmp / 'national.sqlite3'}"
            t0 = time.monotonic()
            _manage(url, "migrate", "--noinput", "-v", "0")
            _manage(url, "seed_demo", "--national", "--members", str(size), "--quiet")
            seed = time.monotonic() - t0
        try:
            result = measure_in_child(url, args.repeat)
        finally:
            if not args.pg_url:
                for f in tmp.iterdir():
                    f.unlink()
                tmp.rmdir()
            elif args.drop:
                drop_pg(url)
        print_size(size, seed, result)
        results.append((size, result))
    print_growth(results)
    print(f"\nTổng thời gian: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
