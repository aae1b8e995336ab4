"""`make bench`: build 10k- and 100k-member demo provinces in throw-away databases and
time the foundation pages against hand-written SQL computing the same numbers.

    python bench/run.py                      # SQLite (and PostgreSQL if DATABASE_URL is set)
    python bench/run.py --sizes 10000 --repeat 5 --backends sqlite

Each database is built by `seed_demo` (timed), measured in a child process with the
Django test client logged in as the demo user `tinh` (province organization board),
then deleted. SQLite files live under /tmp; on PostgreSQL a database
`lienhe_bench_<pid>_<size>` is created next to the one in DATABASE_URL and dropped.
With the modules' demo data, bench/lists_bench.py then times every list, report and
dossier page for `tinh` as a ratio to /healthz on the same database (issue 21).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SEARCH = "nguyen van a"
BASE_ENV = {
    # Dev settings (DEBUG=1 keeps static files unhashed; no collectstatic needed);
    # two-factor off so the demo user can be logged in directly.
    "DEBUG": "1",
    "LIENHE_REQUIRE_2FA": "0",
    "AXES_ENABLED": "0",
    "LOG_LEVEL": "ERROR",
}


# --------------------------------------------------------------------------- driver


def _env(database_url: str) -> dict[str, str]:
    env = {**os.environ, **BASE_ENV, "DATABASE_URL": database_url}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _manage(database_url: str, *args: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=_env(database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


# Seed only the foundation (province, organizations, members, demo users): the demo
# modules are imported first so that seed_demo's own import registers nothing more.
FOUNDATION_SEED = """
import importlib, sys, django
django.setup()
from django.apps import apps
from django.core.management import call_command
from lienhe.demo.context import EXTENDERS
for app in apps.get_app_configs():
    if app.name.startswith("lienhe."):
        try:
            importlib.import_module(app.name + ".demo")
        except ModuleNotFoundError:
            pass
EXTENDERS.clear()
call_command("seed_demo", members=int(sys.argv[1]), quiet=True)
"""


def _seed(database_url: str, size: int, foundation_only: bool) -> float:
    if not foundation_only:
        return _manage(database_url, "seed_demo", "--members", str(size), "--quiet")
    started = time.monotonic()
    env = {**_env(database_url), "DJANGO_SETTINGS_MODULE": "lienhe.settings"}
    subprocess.run(
        [PYTHON, "-c", FOUNDATION_SEED, str(size)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def _measure(database_url: str, repeat: int, foundation_only: bool) -> dict:
    args = ["--measure", "--repeat", str(repeat)] + (
        ["--foundation-only"] if foundation_only else []
    )
    out = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"đo thất bại (mã {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


class SqliteTarget:
    name = "SQLite"

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="lienhe_bench_", dir="/tmp"))
        self.template = self.dir / "template.sqlite3"

    def url(self, path: Path) -> str:
        return f"sqlite:///{path}"

    def prepare(self) -> float:
        return _manage(self.url(self.template), "migrate", "--noinput", "-v", "0")

    def database(self, size: int) -> str:
        path = self.dir / f"province_{size}.sqlite3"
        shutil.copyfile(self.template, path)
        return self.url(path)

    def drop(self, size: int) -> None:
        for suffix in ("", "-wal", "-shm"):
            (self.dir / f"province_{size}.sqlite3{suffix}").unlink(missing_ok=True)

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresTarget:
    name = "PostgreSQL"

    def __init__(self, url: str):
        self.parsed = urlparse(url)
        self.prefix = f"lienhe_bench_{os.getpid()}"
        self.template = f"{self.prefix}_tpl"

    def url(self, dbname: str) -> str:
        return urlunparse(self.parsed._replace(path=f"/{dbname}"))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def prepare(self) -> float:
        self._admin(f'DROP DATABASE IF EXISTS "{self.template}"')
        self._admin(f'CREATE DATABASE "{self.template}"')
        return _manage(self.url(self.template), "migrate", "--noinput", "-v", "0")

    def database(self, size: int) -> str:
        name = f"{self.prefix}_{size}"
        self._admin(f'DROP DATABASE IF EXISTS "{name}"')
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url(name)

    def drop(self, size: int) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.prefix}_{size}" WITH (FORCE)')

    def cleanup(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


def run(sizes: list[int], repeat: int, backends: list[str], foundation_only: bool) -> None:
    targets = []
    if "sqlite" in backends:
        targets.append(SqliteTarget())
    if "postgres" in backends:
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            targets.append(PostgresTarget(url))
        else:
            print("DATABASE_URL không trỏ tới PostgreSQL: bỏ qua PostgreSQL.")
    started = time.monotonic()
    for target in targets:
        try:
            migrate = target.prepare()
            print(f"\n== {target.name} (migrate {migrate:.1f} s) ==", flush=True)
            for size in sizes:
                url = target.database(size)
                try:
                    seed = _seed(url, size, foundation_only)
                    result = _measure(url, repeat, foundation_only)
                    _print_table(target.name, size, seed, result)
                    if not foundation_only:  # issue 21: lists, reports, dossiers / healthz
                        _lists(url, repeat)
                finally:
                    target.drop(size)
        finally:
            target.cleanup()
    if "sqlite" in backends:  # issue 9: import 100,000 rows under 60 s on SQLite
        importer = Path(__file__).resolve().parent / "import_members.py"
        subprocess.run([sys.executable, str(importer), "--fresh", str(max(sizes))], check=False)
    print(f"\nTổng thời gian: {time.monotonic() - started:.0f} s")


def _lists(database_url: str, repeat: int) -> None:
    script = Path(__file__).resolve().parent / "lists_bench.py"
    print(f"\nDanh sách, báo cáo, hồ sơ cho tinh (tỉ lệ với /healthz, tối thiểu {repeat} lần):")
    sys.stdout.flush()
    subprocess.run(
        [PYTHON, str(script), "--repeat", str(repeat)],
        cwd=ROOT,
        env=_env(database_url),
        check=False,
    )


def _print_table(backend: str, size: int, seed: float, result: dict) -> None:
    print(f"\n{backend}, {size:,} đảng viên — seed_demo {seed:.1f} s".replace(",", "."))
    head = f"{'phép đo':<26}{'trang ms':>10}{'truy vấn':>10}{'SQL tay ms':>12}{'tỉ lệ':>8}"
    print(head)
    print("-" * len(head))
    for row in result["rows"]:
        ratio = row["page_ms"] / row["sql_ms"] if row["sql_ms"] else float("inf")
        print(
            f"{row['name']:<26}{row['page_ms']:>10.1f}{row['queries']:>10}"
            f"{row['sql_ms']:>12.1f}{ratio:>8.1f}"
        )
    checks = result.get("checks", [])
    bad = [c for c in checks if not c["ok"]]
    print(f"kiểm tra số liệu trang = SQL tay: {len(checks) - len(bad)}/{len(checks)} khớp")
    for c in bad:
        print(f"  KHÔNG KHỚP {c['name']}: trang {c['page']} / SQL {c['sql']}")
    sys.stdout.flush()


# --------------------------------------------------------------------------- measuring


def _median_ms(func, repeat: int) -> float:
    func()  # warm caches (templates, statement cache, page cache)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measure(repeat: int, foundation_only: bool = False) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from lienhe.access.models import User
    from lienhe.members.figures import counts_by_child, subtree_totals
    from lienhe.members.models import Member
    from lienhe.orgs.models import Organization

    user = User.objects.get(username="tinh")
    root = Organization.objects.get(pk=user.roles.get(role="committee_staff").organization_id)
    client = Client()
    client.force_login(user)
    lo, hi = root.path, root.path + "~"  # every path in the subtree sorts in [lo, hi)

    def sql(query: str, params: list):
        def run():
            with connection.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall()

        return run

    true = "TRUE" if connection.vendor == "postgresql" else "1"
    subtree = "o.path >= %s AND o.path < %s"
    member_cols = (
        "m.id, m.card_number, m.full_name, m.birth_date, m.gender, m.phone, m.status, "
        "m.is_working, o.id, o.name, o.code"
    )
    list_sql = (
        f"SELECT {member_cols} FROM members_member m "
        f"JOIN orgs_organization o ON o.id = m.organization_id WHERE {subtree} "
        "ORDER BY m.search_name, m.id LIMIT 50"
    )
    count_sql = (
        "SELECT COUNT(*) FROM members_member m "
        f"JOIN orgs_organization o ON o.id = m.organization_id WHERE {subtree}"
    )
    search_list_sql = list_sql.replace("ORDER BY", "AND m.search_name LIKE %s ORDER BY")
    search_count_sql = count_sql + " AND m.search_name LIKE %s"
    totals_sql = (
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN m.is_working THEN 1 ELSE 0 END), 0) "
        "FROM members_member m JOIN orgs_organization o ON o.id = m.organization_id "
        f"WHERE {subtree} AND m.status IN ('active', 'exempted')"
    )
    orgs_sql = (
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.kind = 'cell' THEN 1 ELSE 0 END), 0) "
        f"FROM orgs_organization o WHERE {subtree} AND o.is_active = {true}"
    )
    width = (root.depth + 1) * Organization.steplen
    by_child_sql = (
        f"SELECT SUBSTR(o.path, 1, {width}), COUNT(*), "
        "COALESCE(SUM(CASE WHEN m.is_working THEN 1 ELSE 0 END), 0) "
        "FROM members_member m JOIN orgs_organization o ON o.id = m.organization_id "
        f"WHERE {subtree} AND o.depth > %s AND m.status IN ('active', 'exempted') "
        f"GROUP BY SUBSTR(o.path, 1, {width})"
    )
    cells_by_child_sql = (
        f"SELECT SUBSTR(o.path, 1, {width}), COUNT(*) FROM orgs_organization o "
        f"WHERE {subtree} AND o.depth > %s AND o.kind = 'cell' AND o.is_active = {true} "
        f"GROUP BY SUBSTR(o.path, 1, {width})"
    )

    def both(*funcs):
        return lambda: [f() for f in funcs]

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    list_url = reverse("members:list")
    search_url = f"{list_url}?q={SEARCH.replace(' ', '+')}"
    cases = [
        (
            "danh sách đảng viên",
            page(list_url),
            both(sql(count_sql, [lo, hi]), sql(list_sql, [lo, hi])),
        ),
        (
            f"tìm '{SEARCH}'",
            page(search_url),
            both(
                sql(search_count_sql, [lo, hi, f"%{SEARCH}%"]),
                sql(search_list_sql, [lo, hi, f"%{SEARCH}%"]),
            ),
        ),
        (
            "đếm cây (subtree_totals)",
            lambda: subtree_totals([root.path]),
            both(sql(totals_sql, [lo, hi]), sql(orgs_sql, [lo, hi])),
        ),
        (
            "trang chủ",
            page(reverse("home")),
            both(sql(totals_sql, [lo, hi]), sql(orgs_sql, [lo, hi])),
        ),
        (
            "chi tiết tổ chức tỉnh",
            page(reverse("orgs:detail", kwargs={"pk": root.pk})),
            both(
                sql(by_child_sql, [lo, hi, root.depth]),
                sql(cells_by_child_sql, [lo, hi, root.depth]),
            ),
        ),
    ]
    participation_checks = list  # a callable returning the module's checks
    if not foundation_only:  # module pages need the modules' demo data
        from liaison_bench import participation_cases  # issue 3: participation report

        more_cases, participation_checks = participation_cases(
            connection, sql, page, root, lo, hi, width
        )
        cases += more_cases
        from visits_bench import visits_cases  # issue 6: assignment assistant, compliance

        cases += visits_cases(sql, page, lo, hi)
        from petitions_bench import petitions_cases  # issue 7: clustering at 50k, list, report

        cases += petitions_cases(sql, page, lo, hi)
        from meetings_bench import cases as meetings_cases  # issue 4: frequency report

        cases += meetings_cases(client, sql, root, lo, hi)
        from reviews_bench import cases as reviews_cases  # issue 5: comment/review report

        cases += reviews_cases(sql, page, root, lo, hi)
    rows = []
    for name, page_func, sql_func in cases:
        executed: list[str] = []

        def counter(execute, query, params, many, context, executed=executed):
            executed.append(query)
            return execute(query, params, many, context)

        with connection.execute_wrapper(counter):
            page_func()
        rows.append(
            {
                "name": name,
                "page_ms": _median_ms(page_func, repeat),
                "queries": len(executed),
                "sql_ms": _median_ms(sql_func, repeat),
            }
        )

    # The pages must show the same numbers as the hand-written SQL.
    checks = []
    totals = subtree_totals([root.path])
    members, working = sql(totals_sql, [lo, hi])()[0]
    organizations, cells = sql(orgs_sql, [lo, hi])()[0]
    for key, expected in [
        ("members", members),
        ("working", working),
        ("organizations", organizations),
        ("cells", cells),
    ]:
        checks.append(
            {"name": key, "page": totals[key], "sql": expected, "ok": totals[key] == expected}
        )
    by_child = counts_by_child(root)
    for prefix, count, work in sql(by_child_sql, [lo, hi, root.depth])():
        got = by_child.get(prefix, {})
        ok = got.get("members") == count and got.get("working") == int(work)
        checks.append({"name": f"con {prefix}", "page": got, "sql": [count, work], "ok": ok})
    found = Member.objects.visible_to(user).search(SEARCH).count()
    expected = sql(search_count_sql, [lo, hi, f"%{SEARCH}%"])()[0][0]
    checks.append({"name": "kết quả tìm", "page": found, "sql": expected, "ok": found == expected})
    checks += participation_checks()
    if not foundation_only:  # issue 4: frequency report = hand-written SQL aggregates
        from meetings_bench import checks as meetings_checks

        checks += meetings_checks(sql, root, lo, hi)
    return {"rows": rows, "checks": checks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--foundation-only",
        action="store_true",
        help="seed only organizations, members and demo users (no module data)",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        result = measure(args.repeat, args.foundation_only)
        print(json.dumps(result, ensure_ascii=False, default=str))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    run(sizes, args.repeat, args.backends.split(","), args.foundation_only)


if __name__ == "__main__":
    main()
