"""The raw-SQL path for large member imports: one multi-row INSERT per chunk plus the
history rows, where the database supports it (PostgreSQL, SQLite)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from lienhe.text import fold, nfc

from ..models import Member
from .columns import _COMPARED
from .plan import CHUNK

_INSERT_COLUMNS = (
    "card_number",
    "search_name",
    *_COMPARED,
    "created_at",
    "updated_at",
    "version",
)

_DATE_COLUMNS = {"birth_date", "joined_on", "official_on"}
_HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _fast_path_fits() -> bool:
    """The raw insert knows the member and history columns; if a later migration adds
    a column, fall back to the ORM's bulk_create_with_history."""
    history = Member.history.model
    member_cols = {f.column for f in Member._meta.concrete_fields if not f.primary_key}
    history_cols = {f.column for f in history._meta.concrete_fields if not f.primary_key}
    expected_history = (set(_INSERT_COLUMNS) - {"search_name", "updated_at"}) | {
        "id",
        "home_unit_id",
        *_HISTORY_EXTRA,
    }
    return member_cols == set(_INSERT_COLUMNS) | {"home_unit_id"} and (
        history_cols == expected_history
    )


def _insert_members_fast(rows: list[dict[str, Any]], *, actor, now) -> None:
    """INSERT with executemany (members, then their history rows): the ORM's per-value
    preparation costs more than the database at 100,000 rows."""
    ops = connection.ops
    quote = ops.quote_name
    stamp = ops.adapt_datetimefield_value(now)
    member_table = quote(Member._meta.db_table)
    history_model = Member.history.model
    history_table = quote(history_model._meta.db_table)
    member_sql = "INSERT INTO {} ({}) VALUES ({})".format(
        member_table,
        ", ".join(quote(c) for c in _INSERT_COLUMNS),
        ", ".join(["%s"] * len(_INSERT_COLUMNS)),
    )
    history_cols = [c for c in _INSERT_COLUMNS if c not in ("search_name", "updated_at")]
    history_sql = "INSERT INTO {} ({}) SELECT {} FROM {} WHERE {} IN ({})"
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            params = []
            for row in chunk:
                name = nfc(row["full_name"]).strip()
                values = {
                    **row,
                    "full_name": name,
                    "search_name": fold(name),
                    "ethnicity": row.get("ethnicity") or "Kinh",
                    "phone": row.get("phone") or "",
                    "email": row.get("email") or "",
                    "home_address": row.get("home_address") or "",
                    "employer": row.get("employer") or "",
                    "status": row.get("status") or Member.Status.ACTIVE,
                    "is_working": bool(row.get("is_working")),
                    "created_at": stamp,
                    "updated_at": stamp,
                    "version": 1,
                }
                params.append(
                    [
                        ops.adapt_datefield_value(values.get(c))
                        if c in _DATE_COLUMNS
                        else values.get(c)
                        for c in _INSERT_COLUMNS
                    ]
                )
            cursor.executemany(member_sql, params)
            # history rows copied from what was just written (one statement per chunk)
            cards = [row["card_number"] for row in chunk]
            select = [quote(c) for c in ("id", *history_cols, "home_unit_id")] + [
                "%s",
                "NULL",
                "'+'",
                "%s",
            ]
            cursor.execute(
                history_sql.format(
                    history_table,
                    ", ".join(
                        quote(c) for c in ("id", *history_cols, "home_unit_id", *_HISTORY_EXTRA)
                    ),
                    ", ".join(select),
                    member_table,
                    quote("card_number"),
                    ", ".join(["%s"] * len(cards)),
                ),
                [stamp, actor_id, *cards],
            )
