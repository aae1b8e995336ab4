"""Summary tables read by the periodic report at national scale (see docs/scaling.md,
"Quy mô toàn quốc"). Each writer is called by the owning module's service inside its
transaction, so a summary always equals the plain aggregate over its rows; the
`rebuild_*` functions recompute from the rows (after bulk loads or repairs)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from .models import FeeMonthTotal


def add_fee(organization_id: int, month: dt.date, *, due: int = 0, paid: int = 0) -> None:
    """Add to the (organization, month) totals — one upsert, safe under concurrency
    (the row lock of ON CONFLICT serializes two payments of the same cell)."""
    table = FeeMonthTotal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, month, due, paid) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (organization_id, month) DO UPDATE SET "
            f"due = {table}.due + excluded.due, paid = {table}.paid + excluded.paid",
            [organization_id, month, due, paid],
        )


@transaction.atomic
def rebuild_fee_totals(month: dt.date | None = None, org_path: str = "") -> int:
    """Recompute the fee totals from FeeDue/FeePayment — all months, or one month
    (optionally one subtree, as after `open_month`). Returns the rows written."""
    from lienhe.away.models import FeeDue, FeePayment
    from lienhe.orgs.models import Organization

    table = FeeMonthTotal._meta.db_table
    orgs = Organization._meta.db_table
    where, params = ["o.path LIKE %s"], [org_path + "%"]
    if month is not None:
        where.append("x.month = %s")
        params.append(month)
    condition = " AND ".join(where)
    stale = FeeMonthTotal.objects.filter(organization__path__startswith=org_path)
    if month is not None:
        stale = stale.filter(month=month)
    stale.delete()
    sql = (
        f"INSERT INTO {table} (organization_id, month, due, paid) "
        "SELECT organization_id, month, SUM(due), SUM(paid) FROM ("
        f"  SELECT x.organization_id, x.month, x.amount AS due, 0 AS paid "
        f"  FROM {FeeDue._meta.db_table} x JOIN {orgs} o ON o.id = x.organization_id "
        f"  WHERE {condition}"
        "  UNION ALL "
        f"  SELECT x.organization_id, x.month, 0 AS due, x.amount AS paid "
        f"  FROM {FeePayment._meta.db_table} x JOIN {orgs} o ON o.id = x.organization_id "
        f"  WHERE {condition}"
        ") rows GROUP BY organization_id, month"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + params)
        return cursor.rowcount


def rebuild_all() -> dict[str, int]:
    from lienhe.summaries.services import rebuild  # per-organization counters (issue 21)

    return {"fee_month_total": rebuild_fee_totals(), "org_counter": rebuild()}
