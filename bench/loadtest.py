"""Load test: gunicorn on 127.0.0.1 + N concurrent simulated officers for D seconds.

    DATABASE_URL=... python bench/loadtest.py [--users 50] [--seconds 60] [--port 8190]
                                              [--workers 3] [--threads 4] [--base URL]

The database must already hold a demo province (`seed_demo`). Two-factor enforcement
is switched off for the run (demo accounts). Traffic goes only to 127.0.0.1.
Each user logs in as a demo account and repeats a journey: home, member search
(folded, no diacritics), a member dossier, the organization tree and one organization,
the participation report. Prints requests, errors, p50/p95/p99 per step and overall;
exit code 1 if any request failed."""

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
USERS = ["tinh", "xa", "bithu", "coquan"]  # roles that read members and reports
SEARCHES = ["nguyen", "tran van", "thi", "le", "pham", "hoang minh", "vu", "dang"]


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
        self.samples = []

    def add(self, step, seconds, ok, note=""):
        with self.lock:
            self.times[step].append(seconds)
            if not ok:
                self.errors[step] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{step}: {note}")


def log_in(base, username, password, stats):
    """Officers start the day logged in: sessions are opened before the timed run
    (password hashing is deliberately slow; it is measured as its own step)."""
    session = requests.Session()
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
            timeout=60,
        )
        ok = r.ok and "/dang-nhap/" not in r.url
        stats.add("login", time.monotonic() - started, ok, f"{r.status_code} {username}")
    except requests.RequestException as exc:
        stats.add("login", time.monotonic() - started, False, type(exc).__name__)
    return session


def journey(base, session, deadline, stats, rng):
    def get(step, path, **kw):
        started = time.monotonic()
        try:
            r = session.get(base + path, timeout=30, **kw)
            ok = r.status_code < 400 and "/dang-nhap/" not in r.url
            stats.add(step, time.monotonic() - started, ok, f"{r.status_code} {path}")
            return r
        except requests.RequestException as exc:
            stats.add(step, time.monotonic() - started, False, f"{type(exc).__name__} {path}")
            return None

    while time.monotonic() < deadline:
        get("home", "/")
        q = rng.choice(SEARCHES)
        r = get("member_search", "/dang-vien/", params={"q": q}, headers={"HX-Request": "true"})
        ids = re.findall(r'href="/dang-vien/(\d+)/"', r.text) if r is not None else []
        if ids:
            get("member_detail", f"/dang-vien/{rng.choice(ids)}/")
        r = get("org_tree", "/to-chuc/")
        orgs = re.findall(r'href="/to-chuc/(\d+)/"', r.text) if r is not None else []
        if orgs:
            get("org_detail", f"/to-chuc/{rng.choice(orgs)}/")
        get("report", "/bao-cao/tham-gia-noi-cu-tru/")
        time.sleep(rng.uniform(0.2, 1.0))  # think time


def wait_up(base, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if requests.get(base + "/healthz", timeout=2).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--base", help="use an already running server instead of gunicorn")
    args = parser.parse_args()
    password = os.environ.get("LIENHE_DEMO_PASSWORD", "lienhe-demo")
    server = None
    base = args.base or f"http://127.0.0.1:{args.port}"
    if not args.base:
        env = {
            **os.environ,
            "LIENHE_REQUIRE_2FA": "0",
            "AXES_ENABLED": "0",
            "DEBUG": os.environ.get("DEBUG", "1"),
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lienhe.wsgi:application",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
    try:
        wait_up(base)
        stats = Stats()
        sessions = {}
        for username in USERS:  # one session per account, shared by its threads
            sessions[username] = log_in(base, username, password, stats)
        deadline = time.monotonic() + args.seconds
        threads = []
        for i in range(args.users):
            username = USERS[i % len(USERS)]
            session = requests.Session()
            session.cookies.update(sessions[username].cookies)
            threads.append(
                threading.Thread(
                    target=journey, args=(base, session, deadline, stats, random.Random(i))
                )
            )
        started = time.monotonic()
        for t in threads:
            t.start()
            time.sleep(0.05)  # ramp up over a few seconds
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    all_times = [t for ts in stats.times.values() for t in ts]
    errors = sum(stats.errors.values())
    print(
        f"{args.users} người dùng, {elapsed:.0f} s, {len(all_times)} yêu cầu "
        f"({len(all_times) / elapsed:.1f}/s), lỗi: {errors}"
    )
    print(f"{'bước':<15}{'số':>7}{'lỗi':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for step, ts in sorted(stats.times.items()):
        print(
            f"{step:<15}{len(ts):>7}{stats.errors[step]:>6}{pct(ts, 50):>9.0f}"
            f"{pct(ts, 95):>9.0f}{pct(ts, 99):>9.0f}"
        )
    print(
        f"{'TỔNG':<15}{len(all_times):>7}{errors:>6}{pct(all_times, 50):>9.0f}"
        f"{pct(all_times, 95):>9.0f}{pct(all_times, 99):>9.0f}"
    )
    browsing = [t for step, ts in stats.times.items() if not step.startswith("login") for t in ts]
    print(
        f"{'duyệt (trừ đăng nhập)':<15}{len(browsing):>7}{'':>6}{pct(browsing, 50):>9.0f}"
        f"{pct(browsing, 95):>9.0f}{pct(browsing, 99):>9.0f}"
    )
    if all_times:
        print(f"trung bình {statistics.mean(all_times) * 1000:.0f} ms")
    for line in stats.samples:
        print("  lỗi:", line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
