"""Cursor (keyset) pagination: stable under inserts, constant cost at any depth."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from django.db.models import QuerySet

from .errors import ApiError

MAX_LIMIT = 200
# A cursor is base64url of `[<int>]` or `[<short string>]` (an id or an org path).
# Length and shape are checked before decoding, so a crafted cursor (e.g. 20,000
# nested "[") never reaches the JSON parser (issue 15, finding 5).
MAX_CURSOR = 400
_CURSOR_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_CURSOR_JSON = re.compile(r'\[(-?\d{1,19}|"(?:[^"\\]|\\.){0,255}")\]')


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([value]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        if len(cursor) > MAX_CURSOR or not _CURSOR_CHARS.fullmatch(cursor):
            raise ValueError
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        if not _CURSOR_JSON.fullmatch(text):
            raise ValueError
        value = json.loads(text)
        if not isinstance(value, list) or len(value) != 1:
            raise ValueError
        return value[0]
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
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
