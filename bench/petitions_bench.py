"""Petitions (issue 7): clustering a new petition against 50,000 existing petitions,
the petitions list and the report, against hand-written SQL reading the same rows.
Called from bench/run.py's measure(); the demo database is topped up with synthetic
petitions to 50,000 first (the bench database is thrown away afterwards)."""

from __future__ import annotations

TARGET = 50_000


def _top_up(lo: str) -> int:
    import datetime as dt
    import random

    from django.utils import timezone

    from lienhe.orgs.models import Organization
    from lienhe.petitions.demo import PLACES, SINGLE
    from lienhe.petitions.models import Category, Petition
    from lienhe.petitions.similarity import signature
    from lienhe.text import fold

    missing = TARGET - Petition.objects.count()
    if missing <= 0:
        return 0
    rng = random.Random(7)
    cells = list(
        Organization.objects.filter(path__startswith=lo, kind="cell", side="residence").values_list(
            "id", flat=True
        )
    )
    cats = {c.code: c.pk for c in Category.objects.all()}
    today = timezone.localdate()
    rows = []
    for i in range(missing):
        code, _agency, tmpl, _details = rng.choice(SINGLE)
        summary = f"{tmpl.format(place=rng.choice(PLACES))} (số {i})"
        rows.append(
            Petition(
                organization_id=rng.choice(cells),
                summary=summary,
                category_id=cats[code],
                source_type="staff",
                source_id="bench",
                received_on=today - dt.timedelta(days=rng.randint(0, 360)),
                state="closed",
                search_text=fold(summary),
                tokens=signature(summary),
            )
        )
    Petition.objects.bulk_create(rows, batch_size=2000)
    return missing


def petitions_cases(sql, page, lo: str, hi: str) -> list:
    import datetime as dt

    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from lienhe.orgs.models import Organization
    from lienhe.petitions import services
    from lienhe.petitions.models import Category, Petition

    _top_up(lo)
    cell = Organization.objects.filter(path__startswith=lo, kind="cell").first()
    category = Category.objects.get(code="infrastructure")
    since = timezone.localdate() - dt.timedelta(days=180)

    def cluster_one():
        with transaction.atomic():
            services.create_petition(
                organization=cell,
                summary="Đường bê tông xóm Trại xuống cấp, nhiều ổ gà",
                category=category,
                source_type=Petition.Source.STAFF,
            )
            transaction.set_rollback(True)

    candidates_sql = (
        "SELECT id, tokens, cluster_id FROM petitions_petition "
        "WHERE category_id = %s AND received_on >= %s AND keep_apart = %s"
    )
    list_sql = (
        "SELECT p.id, p.summary, p.state, p.due_on, o.name FROM petitions_petition p "
        "JOIN orgs_organization o ON o.id = p.organization_id "
        "WHERE o.path >= %s AND o.path < %s ORDER BY p.received_on DESC, p.id DESC LIMIT 30"
    )
    count_sql = (
        "SELECT COUNT(*) FROM petitions_petition p JOIN orgs_organization o "
        "ON o.id = p.organization_id WHERE o.path >= %s AND o.path < %s"
    )
    report_sql = (
        "SELECT p.category_id, COUNT(*), SUM(CASE WHEN p.answered_at IS NOT NULL THEN 1 ELSE 0 "
        "END) FROM petitions_petition p JOIN orgs_organization o ON o.id = p.organization_id "
        "WHERE o.path >= %s AND o.path < %s AND p.received_on >= %s GROUP BY p.category_id"
    )
    year_start = dt.date(timezone.localdate().year, 1, 1)

    def both(*funcs):
        return lambda: [f() for f in funcs]

    return [
        (
            f"kiến nghị: gom cụm 1 kiến nghị mới ({Petition.objects.count():,} có sẵn)",
            cluster_one,
            sql(candidates_sql, [category.pk, since, False]),
        ),
        (
            "danh sách kiến nghị",
            page(reverse("petitions:list")),
            both(sql(count_sql, [lo, hi]), sql(list_sql, [lo, hi])),
        ),
        (
            "báo cáo kiến nghị theo lĩnh vực",
            page(reverse("petitions:report")),
            sql(report_sql, [lo, hi, year_start]),
        ),
    ]
