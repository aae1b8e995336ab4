"""Meeting-frequency report (issue 4) against hand-written SQL aggregates; called from
bench/run.py's measure() with its helpers. Also runnable alone against an existing
database: `DATABASE_URL=... LIENHE_REQUIRE_2FA=0 python bench/meetings_bench.py`."""

from __future__ import annotations

import datetime as dt


def _sqls(root, lo: str, hi: str, year: int):
    subtree = "o.path >= %s AND o.path < %s"
    held_sql = (
        "SELECT m.organization_id, m.kind, COUNT(*) FROM meetings_meeting m "
        "JOIN orgs_organization o ON o.id = m.organization_id "
        f"WHERE {subtree} AND m.year = %s AND m.state = 'held' "
        "GROUP BY m.organization_id, m.kind"
    )
    attendance_sql = (
        "SELECT m.organization_id, a.is_working_member, COUNT(*), "
        "SUM(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END) "
        "FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id "
        "JOIN orgs_organization o ON o.id = m.organization_id "
        f"WHERE {subtree} AND m.year = %s AND m.state = 'held' "
        "GROUP BY m.organization_id, a.is_working_member"
    )
    absent_sql = (
        "SELECT a.member_id, COUNT(*) FROM meetings_attendance a "
        "JOIN meetings_meeting m ON m.id = a.meeting_id "
        "JOIN orgs_organization o ON o.id = m.organization_id "
        f"WHERE {subtree} AND m.year = %s AND m.state = 'held' AND a.status = 'absent' "
        "GROUP BY a.member_id HAVING COUNT(*) >= %s"
    )
    return held_sql, attendance_sql, absent_sql


def cases(client, sql, root, lo: str, hi: str) -> list:
    from django.urls import reverse
    from django.utils import timezone

    year = timezone.localdate().year
    held_sql, attendance_sql, absent_sql = _sqls(root, lo, hi, year)
    url = f"{reverse('meetings:report')}?org={root.pk}&year={year}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def hand():
        sql(held_sql, [lo, hi, year])()
        sql(attendance_sql, [lo, hi, year])()
        sql(absent_sql, [lo, hi, year, 3])()

    return [("báo cáo tần suất sinh hoạt", page, hand)]


def checks(sql, root, lo: str, hi: str) -> list[dict]:
    from django.utils import timezone

    from lienhe.meetings import report

    year = timezone.localdate().year
    held_sql, attendance_sql, _absent = _sqls(root, lo, hi, year)
    built = report.build(root, year, timezone.localdate())
    held: dict[str, int] = {}
    for _org, kind, n in sql(held_sql, [lo, hi, year])():
        held[kind] = held.get(kind, 0) + n
    out = []
    for kind in ("regular", "thematic", "extraordinary", "working_members"):
        page, expected = built.totals.held[kind], held.get(kind, 0)
        out.append({"name": f"họp {kind}", "page": page, "sql": expected, "ok": page == expected})
    own = [0, 0]
    working = [0, 0]
    for _org, is_working, n, ok in sql(attendance_sql, [lo, hi, year])():
        target = working if is_working else own
        target[0] += n
        target[1] += int(ok or 0)
    t = built.totals
    for name, page, expected in [
        ("điểm danh ĐV chi bộ", [t.own_expected, t.own_attended], own),
        ("điểm danh ĐVĐCT", [t.working_expected, t.working_attended], working),
    ]:
        out.append({"name": name, "page": page, "sql": expected, "ok": page == expected})
    return out


if __name__ == "__main__":
    import os
    import statistics
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
    os.environ.setdefault("DEBUG", "1")  # as before issue 15: DEBUG now defaults to 0
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from lienhe.access.models import User
    from lienhe.orgs.models import Organization

    user = User.objects.get(username="tinh")
    root = Organization.objects.get(pk=user.roles.get(role="committee_staff").organization_id)
    client = Client()
    client.force_login(user)
    lo, hi = root.path, root.path + "~"

    def sql(query, params):
        def run():
            with connection.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall()

        return run

    def median_ms(func, repeat=5):
        func()
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            func()
            samples.append((time.perf_counter() - t0) * 1000)
        return statistics.median(samples)

    for name, page, hand in cases(client, sql, root, lo, hi):
        executed: list[str] = []

        def counter(execute, query, params, many, context, executed=executed):
            executed.append(query)
            return execute(query, params, many, context)

        with connection.execute_wrapper(counter):
            page()
        p, h = median_ms(page), median_ms(hand)
        print(
            f"{name}: trang {p:.0f} ms, {len(executed)} truy vấn; SQL tay {h:.0f} ms; "
            f"tỉ lệ {p / h:.1f}"
        )
    for c in checks(sql, root, lo, hi):
        print(("khớp " if c["ok"] else "KHÔNG KHỚP ") + c["name"], c["page"], c["sql"])
    print(dt.date.today())
