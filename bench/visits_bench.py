"""Committee visits (issue 6): the assignment assistant over the demo province (42
committee members; ≈2,000 residence cells at 100k members) and the compliance page,
against hand-written SQL reading the same rows. Called from bench/run.py's measure();
also runnable alone against an existing demo database:
`DATABASE_URL=... LIENHE_REQUIRE_2FA=0 python bench/visits_bench.py`."""

from __future__ import annotations


def visits_cases(sql, page, lo: str, hi: str) -> list:
    from django.urls import reverse
    from django.utils import timezone

    from lienhe.visits import assistant
    from lienhe.visits.models import Committee

    committee = Committee.objects.filter(organization__path=lo).first()
    if committee is None:
        return []
    year = timezone.localdate().year
    cells_sql = (
        "SELECT o.id, o.path, o.name, o.is_remote, o.meeting_day FROM orgs_organization o "
        "WHERE o.path >= %s AND o.path < %s AND o.kind = 'cell' AND o.side = 'residence'"
    )
    compliance_sql = (
        "SELECT v.committee_member_id, v.state, COUNT(*) FROM visits_visit v "
        "JOIN visits_committeemember c ON c.id = v.committee_member_id "
        "WHERE c.committee_id = %s AND v.year = %s GROUP BY v.committee_member_id, v.state"
    )
    # The assistant plans next year as on 2 January: nothing planned yet, every member
    # needs the full minimum (the worst case).
    import datetime as dt

    jan = dt.date(year + 1, 1, 2)
    return [
        (
            "trợ lý phân công cả năm",
            lambda: assistant.propose(committee, year + 1, today=jan),
            sql(cells_sql, [lo, hi]),
        ),
        (
            "kết quả dự sinh hoạt",
            page(reverse("visits:compliance") + f"?committee={committee.pk}&year={year}"),
            sql(compliance_sql, [committee.pk, year]),
        ),
    ]


if __name__ == "__main__":
    import os
    import statistics
    import sys
    import time

    import django

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
    os.environ.setdefault("DEBUG", "1")  # as before issue 15: DEBUG now defaults to 0
    django.setup()
    from django.db import connection
    from django.test import Client

    from lienhe.access.models import User
    from lienhe.orgs.models import Organization

    user = User.objects.get(username="tinh")
    root = Organization.objects.get(pk=user.roles.get(role="committee_staff").organization_id)
    client = Client()
    client.force_login(user)

    def sql(query, params):
        def run():
            with connection.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall()

        return run

    def page(url):
        return lambda: client.get(url)

    cells = Organization.objects.in_subtree(root).filter(kind="cell", side="residence").count()
    print(f"{cells} residence cells")
    for name, func, sql_func in visits_cases(sql, page, root.path, root.path + "~"):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
        sql_times = []
        for _ in range(3):
            started = time.perf_counter()
            sql_func()
            sql_times.append(time.perf_counter() - started)
        print(
            f"{name}: {statistics.median(times) * 1000:.0f} ms "
            f"(SQL {statistics.median(sql_times) * 1000:.1f} ms)"
        )
