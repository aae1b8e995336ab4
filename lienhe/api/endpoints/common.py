"""Helpers shared by the endpoint modules: scoping guards, ETag/If-Match, text params."""

from __future__ import annotations

import re

from lienhe.access.scoping import has_perm_anywhere

from ..errors import ApiError, forbidden, not_found


def clean_text(value: str | None) -> str:
    """Query text as typed, minus characters no database accepts (NUL, controls)."""
    return re.sub(r"[\x00-\x1f\x7f]", " ", value or "").strip()[:200]


def require_anywhere(user, perm: str) -> None:
    if not has_perm_anywhere(user, perm):
        raise forbidden()


def get_visible(qs, pk: int, what: str):
    if pk < 1 or pk > 2**62:
        raise not_found(what)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise not_found(what)
    return obj


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None, body_version: int | None) -> int:
    """The version the client edited: from If-Match (preferred) or the body."""
    if if_match:
        raw = if_match.strip()
        if raw == "*":
            return -1
        match = re.fullmatch(r'(?:W/)?"?(\d{1,9})"?', raw)
        if not match:
            raise ApiError(
                400, "bad_if_match", "Tiêu đề If-Match không hợp lệ: gửi lại ETag nhận được."
            )
        return int(match.group(1))
    if body_version is not None:
        return body_version
    raise ApiError(
        428,
        "precondition_required",
        "Cần gửi tiêu đề If-Match (ETag của bản đã đọc) hoặc trường version để tránh "
        "ghi đè thay đổi của người khác.",
    )


def stale() -> ApiError:
    return ApiError(
        412,
        "stale_version",
        "Hồ sơ đã được người khác sửa sau khi bạn đọc; hãy đọc lại bản mới nhất rồi sửa lại.",
    )
