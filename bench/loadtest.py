"""Load test run the way production runs (issue 21): a province's busy morning.

    DATABASE_URL=postgres://... python bench/loadtest.py [--mode both|morning|throughput]
        [--users 300] [--think 5-15] [--seconds 180] [--burst-users 50]
        [--burst-seconds 60] [--workers 3] [--threads 4] [--port 8190] [--base URL]
        [--compare GIT_REF [--keep-compare]]

The database must already hold a demo province (`seed_demo`; `make loadtest` seeds an
empty database). Unless `--base` points at a running server, the script

1. runs `collectstatic` (WhiteNoise serves the hashed files, as in production),
2. starts gunicorn with `DEBUG=0`, a generated `SECRET_KEY` (the Makefile's
   `.secret_key`), persistent database connections (`DB_CONN_MAX_AGE`, default 600 s
   here) and `--workers 3 --threads 4` (gthread): three processes keep both cores
   busy while one waits on PostgreSQL, four threads each overlap the database round
   trips; 12 requests in flight hold 12 database connections;
   `--max-requests 10000` (jittered) recycles a worker before a slow leak can grow
   (at ~40 requests/s a worker lives about four minutes; at 2.000 a worker of the
   throughput mode was replaced every minute and re-imported the application);
   the application and its packages are compiled to bytecode first, as a deployment
   does (`uv sync --compile-bytecode`): with `PYTHONDONTWRITEBYTECODE` set, a fresh
   worker otherwise compiled Django's source again (10 % of the server's CPU, py-spy);
   no `--preload`: each worker imports the app itself, so none inherits a database
   connection opened in the master;
3. gives the workers one shared cache, as production needs (the per-user home and
   red-flag pieces and the reports are cached, and a write in one worker must drop
   them in all): Redis at 127.0.0.1:6379 database 7 when it answers, else the
   database cache; `CACHE_BACKEND`/`CACHE_URL` set in the environment win. It is
   emptied before the run;
4. switches off two-factor enforcement and the login lock-out (demo accounts, every
   officer of a role shares one account's session).

Two modes, each measured in the same run as `/healthz`:

- **morning**: `--users` officers (default 300) across all roles — cell secretary
  (`bithu`), commune and agency committee staff (`xa`, `coquan`), the province board
  (`tinh`), committee members (`uyvien`), department handlers (`so`) — each doing its
  role's journey (home, lists with search, a dossier, a report, a roll call, writing
  a comment, answering a petition) with 5–15 s of think time between pages;
- **throughput**: `--burst-users` officers (default 50) doing the same journeys
  without pause.

`--compare GIT_REF` (`make loadtest LOAD_COMPARE=5f86d43`) then measures the
throughput mode of that commit the same way, right after this one: the commit is
checked out into a temporary git worktree, installed with `uv`, given its own database
next to this one (`bench/old_commit.py`), served by its own gunicorn with the same
settings, and the ratio of the two throughputs is printed. Its errors are printed but
do not fail the run.

For each mode it prints requests, throughput, errors, and per step p50/p95/p99 and
the ratio of the step's p50 to `/healthz`'s p50. An error is a transport failure, a
5xx, a 4xx on a page, or a redirect to the login page; a write the application
refuses with a message (4xx on a POST: a stale version, a closed roll call) is
counted apart as "từ chối". Exit code 1 if any request failed. Traffic goes only to
127.0.0.1. The writes are real (draft comments, roll-call taps, petition answers):
run it on a load-test database, not on production data."""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

from lite_http import Session, TransportError  # bench/lite_http.py

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = ["nguyen", "tran van", "thi", "le", "pham", "hoang minh", "vu", "dang"]
# Share of the officers per demo account (role). Cell secretaries are the most
# numerous users of the system; the province board the fewest.
ROLE_WEIGHTS = [
    ("bithu", 30),  # secretary of a residence cell
    ("xa", 20),  # commune committee staff
    ("coquan", 15),  # agency committee staff
    ("tinh", 10),  # province organization board
    ("uyvien", 15),  # committee member attending cells
    ("so", 10),  # department handler (petitions)
]


def pct(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k] * 1000


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.refused = defaultdict(int)
        self.samples = []

    def add(self, step, seconds, ok, note="", refused=False):
        with self.lock:
            self.times[step].append(seconds)
            if refused:
                self.refused[step] += 1
            elif not ok:
                self.errors[step] += 1
                if len(self.samples) < 15:
                    self.samples.append(f"{step}: {note}")


class FormParser(HTMLParser):
    """The forms of a page: action, method and the default value of every field."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action") or "",
                    "method": (a.get("method") or "get").lower(),
                    "fields": {},
                }
            )
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self.forms[-1]["fields"].setdefault(a["name"], "")
            self._select = a["name"]
        elif tag == "option" and getattr(self, "_select", None):
            fields = self.forms[-1]["fields"]
            if "selected" in a or fields.get(self._select, "") == "":
                fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def find_form(html: str, action_part: str) -> dict | None:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and action_part in form["action"]:
            return form
    return None


def links(response, pattern: str) -> list[str]:
    return re.findall(pattern, response.text) if response is not None else []


class Officer:
    """One simulated officer: a role's journey, repeated until the deadline."""

    def __init__(self, base, session, role, stats, rng, think):
        self.base, self.session, self.role = base, session, role
        self.stats, self.rng, self.think = stats, rng, think

    def get(self, step, path, **kw):
        started = time.monotonic()
        try:
            r = self.session.get(self.base + path, timeout=60, **kw)
            ok = r.status_code < 400 and "/dang-nhap/" not in r.url
            self.stats.add(step, time.monotonic() - started, ok, f"{r.status_code} {path}")
            return r if ok else None
        except TransportError as exc:
            self.stats.add(step, time.monotonic() - started, False, f"{type(exc).__name__} {path}")
            return None

    def post(self, step, path, data, **kw):
        started = time.monotonic()
        try:
            r = self.session.post(self.base + path, data=data, timeout=60, **kw)
            ok = r.status_code < 400 and "/dang-nhap/" not in r.url
            refused = 400 <= r.status_code < 500 and r.status_code not in (403, 404)
            self.stats.add(
                step, time.monotonic() - started, ok, f"{r.status_code} POST {path}", refused
            )
            return r
        except TransportError as exc:
            self.stats.add(step, time.monotonic() - started, False, f"{type(exc).__name__} {path}")
            return None

    def pause(self):
        if self.think:
            time.sleep(self.rng.uniform(*self.think))

    # ------------------------------------------------------------- the journeys
    def steps(self):
        common = [self.healthz, self.home]
        by_role = {
            "bithu": [self.roll_call, self.comment_write, self.member_search, self.letters],
            "xa": [self.member_search, self.letters, self.report, self.comments, self.meetings],
            "coquan": [self.letters, self.member_search, self.report, self.away],
            "tinh": [self.red_flags, self.member_search, self.letters, self.report, self.petitions],
            "uyvien": [self.visits, self.petitions, self.meetings],
            "so": [self.petitions, self.petition_answer],
        }
        return common + by_role[self.role]

    def run(self, deadline):
        steps = self.steps()
        while time.monotonic() < deadline:
            for action in steps:
                if time.monotonic() >= deadline:
                    return
                action()
                self.pause()

    def healthz(self):
        self.get("healthz", "/healthz")

    def home(self):
        self.get("home", "/")

    def member_search(self):
        q = self.rng.choice(SEARCHES)
        r = self.get("member_search", "/dang-vien/", params={"q": q})
        ids = links(r, r'href="/dang-vien/(\d+)/"')
        if ids:
            self.pause()
            self.get("member_dossier", f"/dang-vien/{self.rng.choice(ids)}/")

    def letters(self):
        q = self.rng.choice(SEARCHES)
        r = self.get("letters_search", "/lien-he/", params={"q": q})
        ids = links(r, r'href="/lien-he/(\d+)/"')
        if ids:
            self.pause()
            self.get("letter_detail", f"/lien-he/{self.rng.choice(ids)}/")

    def report(self):
        self.get("report", "/bao-cao/tham-gia-noi-cu-tru/")

    def red_flags(self):
        self.get("red_flags", "/hom-nay/canh-bao/")

    def meetings(self):
        self.get("meetings", "/sinh-hoat/")

    def away(self):
        self.get("away", "/di-lam-an-xa/")

    def visits(self):
        self.get("visits", "/du-sinh-hoat/")

    def comments(self):
        self.get("comments", "/nhan-xet/")

    def petitions(self):
        r = self.get("petitions", "/kien-nghi/", params={"state": "open"})
        ids = links(r, r'href="/kien-nghi/(\d+)/"')
        if ids:
            self.pause()
            self.get("petition_detail", f"/kien-nghi/{self.rng.choice(ids)}/")

    def roll_call(self):
        """The cell secretary opens a meeting's roll call and, when it is open (not
        closed, not before the meeting day), taps one member."""
        r = self.get("meetings", "/sinh-hoat/", params={"when": self.rng.choice(["past", ""])})
        ids = links(r, r'href="/sinh-hoat/(\d+)/"')
        if not ids:
            return
        self.pause()
        pk = self.rng.choice(ids)
        r = self.get("roll_call", f"/sinh-hoat/{pk}/diem-danh/")
        if r is None:
            return
        form = find_form(r.text, f"/sinh-hoat/{pk}/diem-danh/cham/")
        if not form or "Đã chốt điểm danh lúc" in r.text:
            return  # closed roll call: nothing to tap
        self.pause()
        data = {**form["fields"], "status": "present", "tapped_at": str(int(time.time() * 1000))}
        self.post(
            "roll_call_tap",
            form["action"],
            data,
            headers={"Accept": "application/json", "Referer": self.base + r.url},
        )

    def comment_write(self):
        """The cell secretary saves a draft of a yearly residence comment."""
        r = self.get("comments", "/nhan-xet/")
        ids = links(r, r'href="/nhan-xet/(\d+)/(?:soan/)?"')
        if not ids:
            return
        self.pause()
        pk = self.rng.choice(ids)
        r = self.get("comment_form", f"/nhan-xet/{pk}/soan/")
        if r is None or f"/nhan-xet/{pk}/soan/" not in r.url:
            return  # already sent: the page redirected to the read-only comment
        form = find_form(r.text, "")
        if not form:
            return
        self.pause()
        data = dict(form["fields"])
        data["remarks"] = "Gương mẫu ở nơi cư trú, tham gia sinh hoạt đầy đủ."
        data.pop("send", None)
        self.post("comment_write", f"/nhan-xet/{pk}/soan/", data, headers={"Referer": r.url})

    def petition_answer(self):
        """The department handler answers a petition waiting on the department."""
        r = self.get("petitions", "/kien-nghi/", params={"state": "waiting"})
        ids = links(r, r'href="/kien-nghi/(\d+)/"')
        if not ids:
            return
        self.pause()
        pk = self.rng.choice(ids)
        r = self.get("petition_detail", f"/kien-nghi/{pk}/")
        if r is None or f"/kien-nghi/{pk}/tra-loi/" not in r.text:
            return  # not answerable by this handler now
        self.pause()
        r = self.get("petition_answer_form", f"/kien-nghi/{pk}/tra-loi/")
        form = find_form(r.text, "") if r is not None else None
        if not form:
            return
        self.pause()
        data = dict(form["fields"])
        data["answer"] = "Sở đã kiểm tra hiện trường và bố trí kinh phí sửa chữa trong quý này."
        data.pop("whole_cluster", None)
        self.post("petition_answer", f"/kien-nghi/{pk}/tra-loi/", data, headers={"Referer": r.url})


def log_in(base, username, password, stats):
    """Officers start the day logged in: one session per demo account, opened before
    the timed run (password hashing is deliberately slow; measured as its own step)."""
    session = Session()
    started = time.monotonic()
    try:
        session.get(base + "/tai-khoan/dang-nhap/", timeout=60)
        r = session.post(
            base + "/tai-khoan/dang-nhap/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
            },
            headers={"Referer": base + "/tai-khoan/dang-nhap/"},
            timeout=60,
        )
        ok = r.ok and "/dang-nhap/" not in r.url
        stats.add("login", time.monotonic() - started, ok, f"{r.status_code} {username}")
    except TransportError as exc:
        stats.add("login", time.monotonic() - started, False, type(exc).__name__)
    return session


def wait_up(base, seconds=90):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if Session().get(base + "/healthz", timeout=2).status_code < 500:
                return
        except TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def _arrive(officer, delay, deadline):
    time.sleep(delay)  # officers arrive over the first think interval
    officer.run(deadline)


def _cpu_by_kind() -> dict[str, float]:
    """CPU seconds used so far by the processes alive now, by kind (Linux /proc): the
    gunicorn server, PostgreSQL, Redis; the load generator is this process. Each
    process counts its children that ended too (cutime, cstime): a gunicorn worker
    recycled during the run (`--max-requests`) took its seconds with it and made the
    difference negative; its master now holds them."""
    tick = os.sysconf("SC_CLK_TCK")
    kinds = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        for kind in kinds:
            if kind in cmdline.split(" ", 1)[0] or (kind == "gunicorn" and "gunicorn" in cmdline):
                kinds[kind] += sum(int(f) for f in fields[11:15]) / tick
                break
    kinds["bộ tạo tải"] = time.process_time()
    return kinds


def print_cpu(before: dict[str, float], after: dict[str, float], elapsed: float) -> None:
    """Where the two cores went during a mode: without it a throughput figure cannot
    say whether the server or the load generator sharing its cores was the limit."""
    parts = [
        f"{kind} {after[kind] - before.get(kind, 0.0):.1f} s"
        f" ({(after[kind] - before.get(kind, 0.0)) / elapsed * 100:.0f}% một lõi)"
        for kind in after
    ]
    print("CPU trong lúc đo: " + ", ".join(parts))


def run_mode(base, sessions, users, seconds, think, seed):
    stats = Stats()
    rng = random.Random(seed)
    roles = [name for name, _w in ROLE_WEIGHTS]
    weights = [w for _n, w in ROLE_WEIGHTS]
    deadline = time.monotonic() + seconds
    threads = []
    for i in range(users):
        role = rng.choices(roles, weights=weights)[0] if i >= len(roles) else roles[i]
        session = Session()
        session.cookies.update(sessions[role].cookies)
        officer = Officer(base, session, role, stats, random.Random(seed * 1000 + i), think)

        delay = rng.uniform(0, think[1]) if think else i * 0.02
        threads.append(
            threading.Thread(target=_arrive, args=(officer, delay, deadline), daemon=True)
        )
    cpu_before = _cpu_by_kind()
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    stats.cpu = (cpu_before, _cpu_by_kind(), elapsed)
    return stats, elapsed


def report(title, users, stats, elapsed):
    all_times = [t for ts in stats.times.values() for t in ts]
    errors = sum(stats.errors.values())
    refused = sum(stats.refused.values())
    health = pct(stats.times.get("healthz", []), 50) or 1.0
    print(f"\n== {title}: {users} cán bộ, {elapsed:.0f} s")
    print(
        f"{len(all_times)} yêu cầu, {len(all_times) / elapsed:.1f} yêu cầu/s, "
        f"lỗi: {errors}, bị từ chối (nghiệp vụ): {refused}"
    )
    print(
        f"{'bước':<16}{'số':>7}{'lỗi':>6}{'từ chối':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'× healthz':>11}"
    )
    for step, ts in sorted(stats.times.items()):
        print(
            f"{step:<16}{len(ts):>7}{stats.errors[step]:>6}{stats.refused[step]:>9}"
            f"{pct(ts, 50):>9.0f}{pct(ts, 95):>9.0f}{pct(ts, 99):>9.0f}"
            f"{pct(ts, 50) / health:>10.1f}×"
        )
    print(
        f"{'TỔNG':<16}{len(all_times):>7}{errors:>6}{refused:>9}{pct(all_times, 50):>9.0f}"
        f"{pct(all_times, 95):>9.0f}{pct(all_times, 99):>9.0f}"
    )
    if getattr(stats, "cpu", None):
        print_cpu(*stats.cpu)
    for line in stats.samples:
        print("  lỗi:", line)
    return errors


def production_env() -> dict[str, str]:
    """The server's environment: production settings on plain HTTP at 127.0.0.1."""
    key = os.environ.get("SECRET_KEY")
    if not key:
        key_file = ROOT / ".secret_key"  # the same file the Makefile's LOCAL_ENV uses
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50) + "\n")
        key = key_file.read_text().strip()
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "600"),
        "LIENHE_REQUIRE_2FA": "0",
        "AXES_ENABLED": "0",
        "EMAIL_BACKEND": "locmem",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "ERROR"),
        **shared_cache_env(),
    }


# Redis database used by the load test when none is configured (not 0: a developer's
# own Redis data stays untouched; it is flushed before each run).
LOAD_REDIS_DB = 7


def shared_cache_env() -> dict[str, str]:
    """The cache every gunicorn worker shares, as production needs it (docs/operations.md):
    the per-process `locmem` default would keep a worker's cached pages after another
    worker's write bumped the versions. `CACHE_BACKEND`/`CACHE_URL` from the environment
    win; otherwise Redis at 127.0.0.1:6379 when it answers, else the database cache."""
    if os.environ.get("CACHE_BACKEND") or os.environ.get("CACHE_URL"):
        return {}
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            pass
    except OSError:
        return {"CACHE_BACKEND": "db", "CACHE_LOCATION": "lienhe_cache"}
    return {"CACHE_BACKEND": "redis", "CACHE_URL": f"redis://127.0.0.1:6379/{LOAD_REDIS_DB}"}


def prepare_cache(env: dict[str, str], python: Path, root: Path) -> str:
    """Empty the shared cache before a run (a previous run's pages must not be served)
    and create the database cache's table when that is the backend. Returns a label."""
    subprocess.run(
        [
            str(python),
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; from django.core.cache import cache; "
            "from django.core.management import call_command; "
            "b = settings.CACHES['default']['BACKEND']; "
            "'DatabaseCache' in b and call_command('createcachetable'); cache.clear()",
        ],
        cwd=root,
        env=env,
        check=True,
    )
    return env.get("CACHE_URL") or env.get("CACHE_BACKEND") or "locmem"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["both", "morning", "throughput"], default="both")
    parser.add_argument("--users", type=int, default=300, help="officers in the morning model")
    parser.add_argument("--think", default="5-15", help="think time in seconds, min-max")
    parser.add_argument("--seconds", type=int, default=180, help="length of the morning model")
    parser.add_argument("--burst-users", type=int, default=50, help="officers without pause")
    parser.add_argument("--burst-seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base", help="use an already running server instead of gunicorn")
    parser.add_argument(
        "--compare",
        metavar="GIT_REF",
        help="also measure the throughput mode of this commit (own worktree, venv, database)",
    )
    parser.add_argument(
        "--keep-compare", action="store_true", help="keep the --compare worktree for the next run"
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows under `make … | tee`
    think = tuple(float(x) for x in args.think.split("-", 1))
    password = os.environ.get("LIENHE_DEMO_PASSWORD", "lienhe-demo")
    if args.compare and args.base:
        parser.error("--compare starts both servers itself: not with --base")
    if args.compare and args.mode == "morning":
        parser.error("--compare measures throughput: use --mode both or throughput")
    server = None
    base = args.base or f"http://127.0.0.1:{args.port}"
    env = production_env()
    old = None
    if args.compare:
        import old_commit  # bench/old_commit.py

        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            parser.error("--compare needs DATABASE_URL=postgres://…")
        old = old_commit.prepare(args.compare, url, old_commit.member_count(url), env)
    if not args.base:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(f"bộ nhớ đệm dùng chung: {prepare_cache(env, Path(sys.executable), ROOT)}")
        server = start_server(Path(sys.executable), ROOT, env, args.port, args)
    errors = 0
    throughput = {}
    try:
        wait_up(base)
        sessions, login_errors = log_in_all(base, password)
        errors += login_errors
        print_load("tải máy trước khi đo (1/5/15 phút)")
        if args.mode in ("both", "morning"):
            stats, elapsed = run_mode(base, sessions, args.users, args.seconds, think, args.seed)
            errors += report(
                f"Buổi sáng (nghỉ {args.think} s giữa các trang)", args.users, stats, elapsed
            )
            print_load("tải máy")
        if args.mode in ("both", "throughput"):
            stats, elapsed = run_mode(
                base, sessions, args.burst_users, args.burst_seconds, None, args.seed
            )
            errors += report("Thông lượng (không nghỉ)", args.burst_users, stats, elapsed)
            throughput["new"] = requests_per_second(stats, elapsed)
            print_load("tải máy")
    finally:
        stop_server(server)
    if old:
        measure_old(old, env, args, password, throughput)  # its errors are printed, not ours
    return 1 if errors else 0


def print_load(label: str) -> None:
    print(f"{label}: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


def requests_per_second(stats: Stats, elapsed: float) -> float:
    return sum(len(ts) for ts in stats.times.values()) / elapsed


def log_in_all(base: str, password: str) -> tuple[dict, int]:
    stats = Stats()
    sessions = {name: log_in(base, name, password, stats) for name, _w in ROLE_WEIGHTS}
    for line in stats.samples:
        print("  lỗi đăng nhập:", line)
    return sessions, sum(stats.errors.values())


def compile_bytecode(python: Path, root: Path) -> None:
    """Compile the application and the packages of `python` to bytecode, as a
    deployment does once (`uv sync --compile-bytecode`, docs/operations.md)."""
    packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [str(python), "-m", "compileall", "-q", "-j", "0", str(root / "lienhe"), packages],
        cwd=root,
        check=False,  # a package's file that does not compile (test data) is not ours
        stdout=subprocess.DEVNULL,
    )


def start_server(python: Path, root: Path, env: dict, port: int, args) -> subprocess.Popen:
    """gunicorn as production runs it on two cores: `--workers` processes of
    `--threads` threads (gthread); each worker is recycled after about 10.000
    requests (jittered) so a slow leak cannot grow for the whole day."""
    compile_bytecode(python, root)
    return subprocess.Popen(
        [
            str(python),
            "-m",
            "gunicorn",
            "lienhe.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--max-requests",
            "10000",
            "--max-requests-jitter",
            "1000",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
    )


def stop_server(server: subprocess.Popen | None) -> None:
    if server:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def measure_old(old, env: dict, args, password: str, throughput: dict) -> int:
    """The same throughput mode against the old commit, served by its own gunicorn
    with the same settings on its own database, right after the current one."""
    import old_commit

    base = f"http://127.0.0.1:{args.port + 1}"
    server = start_server(old.python, old.root, old.env(env), args.port + 1, args)
    errors = 0
    try:
        wait_up(base)
        sessions, errors = log_in_all(base, password)
        print_load(f"tải máy trước khi đo {old.ref} ({old.sha})")
        stats, elapsed = run_mode(
            base, sessions, args.burst_users, args.burst_seconds, None, args.seed
        )
        errors += report(
            f"Thông lượng của {old.ref} ({old.sha}, không nghỉ)", args.burst_users, stats, elapsed
        )
        throughput["old"] = requests_per_second(stats, elapsed)
        print_load("tải máy")
    finally:
        stop_server(server)
        old_commit.cleanup(old, keep=args.keep_compare)
    if throughput.get("new") and throughput.get("old"):
        print(
            f"\nThông lượng: {throughput['new']:.1f} / {throughput['old']:.1f} yêu cầu/s "
            f"= {throughput['new'] / throughput['old']:.2f}× so với {old.ref} ({old.sha})"
        )
    return errors


if __name__ == "__main__":
    sys.exit(main())
