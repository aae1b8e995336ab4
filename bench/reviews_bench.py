"""Comment and review report (issue 5) against hand-written SQL aggregates; called from
bench/run.py's measure() with its helpers."""

from __future__ import annotations


def cases(sql, page, root, lo: str, hi: str) -> list:
    from django.urls import reverse
    from django.utils import timezone

    year = timezone.localdate().year
    subtree = "o.path >= %s AND o.path < %s"
    coverage_sql = (
        "SELECT COUNT(*), SUM(CASE WHEN c.state = 'sent' THEN 1 ELSE 0 END) "
        "FROM reviews_residencecomment c JOIN orgs_organization o ON o.id = c.residence_org_id "
        f"WHERE {subtree} AND c.year = %s AND c.purpose = 'yearly' AND c.state <> 'superseded'"
    )
    levels_sql = (
        "SELECT c.conclusion, COUNT(*) FROM reviews_residencecomment c "
        "JOIN orgs_organization o ON o.id = c.residence_org_id "
        f"WHERE {subtree} AND c.year IN (%s, %s) AND c.state = 'sent' "
        "GROUP BY c.residence_org_id, c.year, c.conclusion"
    )
    reviews_sql = (
        "SELECT r.decision_level, COUNT(*) FROM reviews_yearreview r "
        "JOIN orgs_organization o ON o.id = r.organization_id "
        f"WHERE {subtree} AND r.year = %s AND r.state = 'final' GROUP BY r.decision_level"
    )
    url = f"{reverse('reviews:report')}?org={root.pk}&year={year}"

    def hand():
        sql(coverage_sql, [lo, hi, year])()
        sql(levels_sql, [lo, hi, year - 1, year])()
        sql(reviews_sql, [lo, hi, year])()

    return [("báo cáo nhận xét, xếp loại", page(url), hand)]
