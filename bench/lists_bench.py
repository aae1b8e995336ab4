"""Lists, reports and dossiers for `tinh` (province board, the widest scope) as a ratio
to /healthz (issue 21: every such page <= 20x /healthz at 100.000 members, query count
constant in rows). In-process Django test client, minimum of 7 runs after a warm-up,
/healthz measured the same way in the same run. Runs on an already seeded database:

    DEBUG=1 LIENHE_REQUIRE_2FA=0 AXES_ENABLED=0 PYTHONPATH=. \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lienhe_demo \\
    .venv/bin/python bench/lists_bench.py [--repeat 7] [--only letters] [--user xa] [-v]

`-v` prints every query of the pages measured (with `--only`, a substring of the name);
`--cold` clears the cache before every view (the first view after a write). The list
results cache is on (`LIENHE_LIST_CACHE_SECONDS=300` unless set): the figures are the
warm views, as in production with Redis.
Also run by `make bench` (bench/run.py) on each seeded demo province.
"""

from __future__ import annotations

import argparse
import os
import time

SEARCH = "nguyen van a"
TARGET = 20  # issue 21: at most 20x /healthz


def _pages(user):
    """(name, url) of every list, report and dossier page measured; a dossier is the
    first object of its list for `user` (a stable choice on the same data)."""
    from django.urls import reverse

    from lienhe.away.models import AwayPeriod
    from lienhe.liaison.models import Introduction
    from lienhe.meetings.models import Meeting
    from lienhe.members.models import Member
    from lienhe.petitions.models import Petition
    from lienhe.reviews.models import ResidenceComment
    from lienhe.visits.models import Visit

    q = "?q=" + SEARCH.replace(" ", "+")

    def first(qs, name, url_name, kw="pk"):
        pk = qs.order_by("pk").values_list("pk", flat=True).first()
        return [(name, reverse(url_name, kwargs={kw: pk}))] if pk else []

    pages = [
        ("đảng viên: danh sách", reverse("members:list")),
        ("đảng viên: tìm", reverse("members:list") + q),
        *first(
            Member.objects.visible_to(user).filter(is_working=True),
            "đảng viên: hồ sơ",
            "members:detail",
        ),
        ("giấy giới thiệu: danh sách", reverse("liaison:list")),
        ("giấy giới thiệu: tìm", reverse("liaison:list") + q),
        ("giấy giới thiệu: báo cáo", reverse("reports:participation")),
        *first(
            Introduction.objects.visible_to(user), "giấy giới thiệu: chi tiết", "liaison:detail"
        ),
        ("sinh hoạt: danh sách", reverse("meetings:list")),
        ("sinh hoạt: tìm", reverse("meetings:list") + q),
        ("sinh hoạt: báo cáo", reverse("meetings:report")),
        *first(
            Meeting.objects.visible_to(user).filter(state="held"),
            "sinh hoạt: chi tiết",
            "meetings:detail",
        ),
        ("kiến nghị: danh sách", reverse("petitions:list")),
        ("kiến nghị: tìm", reverse("petitions:list") + q),
        ("kiến nghị: báo cáo", reverse("petitions:report")),
        *first(Petition.objects.visible_to(user), "kiến nghị: chi tiết", "petitions:detail"),
        ("đi làm ăn xa: danh sách", reverse("away:list")),
        ("đi làm ăn xa: tìm", reverse("away:list") + q),
        ("đi làm ăn xa: báo cáo", reverse("away:report")),
        ("đi làm ăn xa: tạm miễn", reverse("away:exemptions")),
        ("đi làm ăn xa: chuyển SH", reverse("away:transfers")),
        ("đi làm ăn xa: đảng phí", reverse("away:fees")),
        *first(AwayPeriod.objects.visible_to(user), "đi làm ăn xa: chi tiết", "away:detail"),
        ("nhận xét: danh sách", reverse("reviews:list")),
        ("nhận xét: tìm", reverse("reviews:list") + q),
        ("đánh giá: danh sách", reverse("reviews:review_list")),
        ("đánh giá: tìm", reverse("reviews:review_list") + q),
        ("nhận xét: báo cáo", reverse("reviews:report")),
        *first(
            ResidenceComment.objects.visible_to(user),
            "nhận xét: chi tiết",
            "reviews:comment_detail",
        ),
        ("cấp ủy: danh sách", reverse("visits:committees")),
        ("dự sinh hoạt: kế hoạch", reverse("visits:plan")),
        ("dự sinh hoạt: kết quả", reverse("visits:compliance")),
        *first(Visit.objects.visible_to(user), "dự sinh hoạt: chi tiết", "visits:visit_detail"),
    ]
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--user", default="tinh", help="whose pages (default tinh; xa: a commune's scope)"
    )
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument("-v", action="store_true", help="print the queries of each page")
    parser.add_argument(
        "--cold", action="store_true", help="clear the cache before every view (cold path)"
    )
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
    # One process: the list cache is safe on the default locmem cache too (production
    # turns it on with a shared cache); LIENHE_LIST_CACHE_SECONDS=0 measures without it.
    os.environ.setdefault("LIENHE_LIST_CACHE_SECONDS", "300")
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lienhe.access.models import User
    from lienhe.members.models import Member

    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)

    def best(url: str) -> float:
        response = client.get(url)  # warm-up (templates, caches, statement plans)
        if response.status_code != 200 and args.user != "tinh":
            return None  # a page this user may not open (tinh opens every one)
        assert response.status_code == 200, (url, response.status_code)
        samples = []
        for _ in range(args.repeat):
            if args.cold:
                cache.clear()
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        return min(samples)

    members = Member.objects.count()
    pages = [p for p in _pages(user) if args.only in p[0]]
    health = best("/healthz")
    load = os.getloadavg()
    print(
        f"{members:,} đảng viên, {connection.vendor}; /healthz {health:.2f} ms; "
        f"tải máy {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}".replace(",", ".")
    )
    head = f"{'trang':<30}{'ms':>9}{'× healthz':>11}{'truy vấn':>10}{'SQL ms':>9}"
    print(head)
    print("-" * len(head))
    over = []
    for name, url in pages:
        ms = best(url)
        if ms is None:
            print(f"{name:<30}{'—':>9}")
            continue
        if args.cold:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        ratio = ms / health
        flag = "" if ratio <= TARGET else "  > 20×"
        if flag:
            over.append(name)
        print(
            f"{name:<30}{ms:>9.1f}{ratio:>10.1f}×{len(ctx.captured_queries):>10}"
            f"{sql_ms:>9.1f}{flag}",
            flush=True,
        )
        if args.v:
            print(f"  {url}")
            for query in ctx.captured_queries:
                print(f"    {query['time']} {query['sql'][:300]}")
    load = os.getloadavg()
    print(f"tải máy sau khi đo: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"trên {TARGET}× /healthz: {', '.join(over) if over else 'không trang nào'}")


if __name__ == "__main__":
    main()
