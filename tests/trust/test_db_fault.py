"""Database connections cut during requests (issue 10, PostgreSQL only).

A real gunicorn (1 worker × 2 threads, persistent connections, DEBUG off) serves the
test database. The app's PostgreSQL sessions are killed with pg_terminate_backend —
only this database's, the shared cluster is never restarted:
1. while idle: the next requests succeed (CONN_HEALTH_CHECKS reconnects);
2. while a request is running (held on a table lock so the cut lands mid-request):
   that request gets the Vietnamese 500 page, no traceback; the next ones succeed,
   without restarting the app.
`bench/fault_db.py` does the same under continuous load against a demo database."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
PAGE = "/dang-vien/?q=nguyen"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pg_admin():
    import psycopg

    s = connection.settings_dict
    params = {
        "host": s["HOST"] or "127.0.0.1",
        "port": s["PORT"] or 5432,
        "user": s["USER"],
        "password": s.get("PASSWORD") or None,
    }
    admin = psycopg.connect(dbname="postgres", autocommit=True, **params)
    holder = psycopg.connect(dbname=s["NAME"], **params)  # takes the table lock
    yield s["NAME"], admin, holder
    holder.close()
    admin.close()
    connection.close()  # the test's own session was cut too; reconnect for teardown


def terminate(admin, dbname: str, keep: list[int]) -> int:
    return admin.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> ALL(%s)",
        [dbname, keep],
    ).fetchone()[0]


@pytest.fixture
def server(transactional_db):
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="tests.trust.fault_settings",
        DB_CONN_MAX_AGE="60",
    )
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lienhe.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--log-level",
            "critical",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=2).ok:
                break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("gunicorn did not start")
    yield base, proc
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)


def test_requests_survive_cut_connections(server, pg_admin, cast):
    base, proc = server
    dbname, admin, holder = pg_admin
    client = Client()
    client.force_login(cast.users["province_staff"])
    browser = requests.Session()
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)

    def get():
        return browser.get(base + PAGE, timeout=60)

    assert [get().status_code for _ in range(4)] == [200] * 4  # both threads connected
    keep = [holder.info.backend_pid]

    # 1. Idle connections killed (what a database restart does): no request fails.
    assert terminate(admin, dbname, keep) >= 1
    assert [get().status_code for _ in range(4)] == [200] * 4

    # 2. Killed while a request is running.
    holder.execute("LOCK TABLE members_member IN ACCESS EXCLUSIVE MODE")
    caught = {}
    worker = threading.Thread(target=lambda: caught.update(r=get()))
    worker.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        waiting = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [dbname],
        ).fetchone()[0]
        if waiting:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the request never reached the locked table")
    assert terminate(admin, dbname, keep) >= 1
    holder.rollback()
    worker.join(60)
    during = caught["r"]
    assert during.status_code in (500, 503)
    assert "Hệ thống gặp lỗi" in during.text and 'lang="vi"' in during.text
    for leak in ("Traceback", "OperationalError", "psycopg", "terminating connection", 'File "'):
        assert leak not in during.text

    # The same server process serves again at once.
    assert [get().status_code for _ in range(6)] == [200] * 6
    assert proc.poll() is None
    assert requests.get(base + "/healthz", timeout=10).json()["database"] == "ok"
