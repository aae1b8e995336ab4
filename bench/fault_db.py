"""Fault test: the database drops every connection while requests are running
(what a PostgreSQL restart looks like to the app). Requests during the cut may fail
cleanly (500 page, no hang); afterwards the app must serve again WITHOUT restarting.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB python bench/fault_db.py [--port 8191]

Only this database's connections are terminated (pg_terminate_backend), so other
databases on the same server are untouched. The database needs a demo province."""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8191)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    dbname = url.rsplit("/", 1)[1]
    base = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "LIENHE_REQUIRE_2FA": "0", "AXES_ENABLED": "0"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lienhe.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    results: list[tuple[float, int]] = []
    try:
        for _ in range(120):
            try:
                requests.get(base + "/healthz", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.5)
        session = requests.Session()
        session.get(base + "/tai-khoan/dang-nhap/")
        session.post(
            base + "/tai-khoan/dang-nhap/",
            data={
                "username": "tinh",
                "password": os.environ.get("LIENHE_DEMO_PASSWORD", "lienhe-demo"),
                "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
            },
        )
        stop = time.monotonic() + args.seconds
        start = time.monotonic()

        def load():
            s = requests.Session()
            s.cookies.update(session.cookies)
            while time.monotonic() < stop:
                try:
                    r = s.get(base + "/dang-vien/?q=nguyen", timeout=30)
                    results.append((time.monotonic() - start, r.status_code))
                except requests.RequestException:
                    results.append((time.monotonic() - start, 0))

        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(args.seconds / 3)
        cut = time.monotonic() - start
        with psycopg.connect(url.replace(f"/{dbname}", "/postgres"), autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [dbname],
            ).fetchone()[0]
        for t in threads:
            t.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    before = [c for t, c in results if t < cut]
    after = [c for t, c in results if t >= cut]
    failed = [c for c in after if c != 200]
    tail = [c for t, c in results if t >= cut + 2]
    print(f"ngắt {killed} kết nối lúc {cut:.1f} s")
    print(f"trước: {len(before)} yêu cầu, lỗi {sum(c != 200 for c in before)}")
    print(f"sau:   {len(after)} yêu cầu, lỗi {len(failed)} (mã: {sorted(set(failed))})")
    print(f"từ 2 s sau khi ngắt: {len(tail)} yêu cầu, lỗi {sum(c != 200 for c in tail)}")
    return 0 if tail and all(c == 200 for c in tail) else 1


if __name__ == "__main__":
    sys.exit(main())
