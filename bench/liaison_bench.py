"""Bench cases of the participation report (issue 3), plugged into bench/run.py:
the report page and `participation()` against a hand-written SQL aggregate."""

from __future__ import annotations


def participation_cases(connection, sql, page, root, lo: str, hi: str, width: int):
    """Return (cases, checks) in the shapes bench/run.py uses."""
    from django.urls import reverse
    from django.utils import timezone

    from lienhe.reports.participation import participation

    today = timezone.localdate().isoformat()
    true = "TRUE" if connection.vendor == "postgresql" else "1"
    # At most one open letter per member: a LEFT JOIN on open letters gives the state
    # of every working member today.
    by_child_sql = (
        f"SELECT SUBSTR(o.path, 1, {width}), COUNT(*), "
        "COALESCE(SUM(CASE WHEN i.exemption IN ('residence', 'introduction') "
        "AND i.exempt_from <= %s THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN i.state IN ('handed_in', 'active') AND i.handed_in_on <= %s "
        "AND NOT (i.exemption IN ('residence', 'introduction') AND i.exempt_from <= %s) "
        "THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN i.state = 'issued' AND i.due_on < %s THEN 1 ELSE 0 END), 0) "
        "FROM members_member m JOIN orgs_organization o ON o.id = m.organization_id "
        "LEFT JOIN liaison_introduction i ON i.member_id = m.id AND i.state <> 'closed' "
        f"WHERE o.path >= %s AND o.path < %s AND m.is_working = {true} "
        "AND m.status = 'active' "
        f"GROUP BY SUBSTR(o.path, 1, {width})"
    )
    params = [today, today, today, today, lo, hi]
    url = f"{reverse('reports:participation')}?org={root.pk}"
    cases = [
        ("báo cáo tham gia nơi cư trú (trang)", page(url), sql(by_child_sql, params)),
        (
            "participation() một truy vấn gộp",
            lambda: participation(root, timezone.localdate()),
            sql(by_child_sql, params),
        ),
    ]

    def checks():
        got = {r["org"].path: r for r in participation(root, timezone.localdate()).rows}
        out = []
        for prefix, working, exempt, active, overdue in sql(by_child_sql, params)():
            row = got.get(prefix, {})
            mine = [row.get(k) for k in ("working", "exempt", "active", "overdue")]
            want = [int(working), int(exempt), int(active), int(overdue)]
            out.append(
                {"name": f"tham gia {prefix}", "page": mine, "sql": want, "ok": mine == want}
            )
        return out

    return cases, checks
