"""The cell secretary's roll call (issue 21, the `roll_call` journey of bench/loadtest.py)
as a ratio to /healthz, measured like bench/lists_bench.py: in-process Django test
client logged in as `bithu`, minimum of 7 runs after a warm-up, /healthz in the same run.

    DEBUG=1 LIENHE_REQUIRE_2FA=0 AXES_ENABLED=0 PYTHONPATH=. \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lienhe_demo \\
    .venv/bin/python bench/roll_call_bench.py [--repeat 7] [-v]

Pages: the meeting list (upcoming and past), the roll call of the cell's last held
regular meeting, of its largest meeting (the working members', hundreds of rows) and of
a meeting whose roll call is open today, and one tap (POST, JSON) on that open roll
call. The taps WRITE: each alternates present/late on the first row with a new tap id
(a real change: attendance row, counters, audit row), so run it on a copy of the demo.
"""

from __future__ import annotations

import argparse
import os
import re
import time
import uuid

TARGET = 20  # issue 21: at most 20x /healthz


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--user", default="bithu")
    parser.add_argument("-v", action="store_true", help="print the queries of each page")
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
    django.setup()
    from django.db import connection
    from django.db.models import F
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from lienhe.access.models import User
    from lienhe.meetings.models import Meeting

    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    mine = Meeting.objects.visible_to(user).filter(
        organization__path__in=[r.organization.path for r in user.roles.all()]
    )
    held = mine.filter(state="held", kind="regular").order_by("-planned_at").first()
    largest = mine.order_by(F("expected_count").desc(nulls_last=True), "pk").first()
    now = timezone.now()
    open_today = next(
        (
            m
            for m in mine.filter(roll_call_closed_at__isnull=True)
            .exclude(state="cancelled")
            .order_by("planned_at")
            if timezone.localtime(m.planned_at).date() == timezone.localdate()
            or m.checkin_opens <= now <= m.planned_at
        ),
        None,
    )

    def timed(call) -> tuple[float, float]:
        call()  # warm-up (templates, caches, statement plans)
        wall, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        return min(wall), min(cpu)

    def get(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    cases = [
        ("sinh hoạt: danh sách", get(reverse("meetings:list"))),
        ("sinh hoạt: đã qua", get(reverse("meetings:list") + "?when=past")),
    ]
    for name, meeting in [("đã họp", held), ("đông nhất", largest), ("đang mở", open_today)]:
        if meeting is not None:
            url = reverse("meetings:roll_call", args=[meeting.pk])
            cases.append((f"điểm danh {meeting.pk} ({name})", get(url)))
    if open_today is not None:
        page = client.get(reverse("meetings:roll_call", args=[open_today.pk])).content.decode()
        member = re.search(r'name="member" value="(\d+)"', page).group(1)
        tap_url = reverse("meetings:roll_call_tap", args=[open_today.pk])
        statuses = iter(["present", "late"] * 1000)

        def tap():
            response = client.post(
                tap_url,
                {
                    "member": member,
                    "status": next(statuses),
                    "tap_id": uuid.uuid4().hex,
                    "tapped_at": str(int(time.time() * 1000)),
                },
                headers={"Accept": "application/json"},
            )
            assert response.status_code == 200, (tap_url, response.content)
            return response

        cases.append((f"chạm điểm danh {open_today.pk} (POST)", tap))
    else:
        print("(không có buổi nào mở điểm danh hôm nay: bỏ qua lượt chạm)")

    health, health_cpu = timed(get("/healthz"))
    load = os.getloadavg()
    print(
        f"{args.user}; {connection.vendor}; /healthz {health:.2f} ms (CPU {health_cpu:.2f}); "
        f"tải máy {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    head = f"{'trang':<34}{'ms':>8}{'× healthz':>11}{'CPU ms':>8}{'truy vấn':>10}{'SQL ms':>8}"
    print(head)
    print("-" * len(head))
    for name, call in cases:
        ms, cpu = timed(call)
        with CaptureQueriesContext(connection) as ctx:
            call()
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        ratio = ms / health
        flag = "" if ratio <= TARGET else "  > 20×"
        print(
            f"{name:<34}{ms:>8.1f}{ratio:>10.1f}×{cpu:>8.1f}{len(ctx.captured_queries):>10}"
            f"{sql_ms:>8.1f}{flag}",
            flush=True,
        )
        if args.v:
            for query in ctx.captured_queries:
                print(f"    {query['time']} {query['sql'][:300]}")
    load = os.getloadavg()
    print(f"tải máy sau khi đo: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
