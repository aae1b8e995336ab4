"""Cursor (keyset) pagination: stable under inserts, constant cost at any depth."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.db.models import QuerySet

from .errors import ApiError

MAX_LIMIT = 200


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([value]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(value, list) or len(value) != 1:
            raise ValueError
        return value[0]
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(
            400, "invalid_cursor", "Con trỏ phân trang (cursor) không hợp lệ hoặc đã hỏng."
        ) from exc


def paginate(qs: QuerySet, *, cursor: str | None, limit: int, key: str = "id"):
    """Return (rows, next_cursor). `key` must be unique and is the sort order."""
    limit = max(1, min(int(limit or 50), MAX_LIMIT))
    qs = qs.order_by(key)
    if cursor:
        value = decode_cursor(cursor)
        expected = int if key in ("id", "pk") else str
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ApiError(
                400, "invalid_cursor", "Con trỏ phân trang (cursor) không hợp lệ hoặc đã hỏng."
            )
        qs = qs.filter(**{f"{key}__gt": value})
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(getattr(rows[-1], key)) if more and rows else None
    return rows, next_cursor
