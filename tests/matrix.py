"""Shared types for the permission matrix. Each app lists its URLs in
`tests/<app>/matrix.py` as `CASES = [Case(...), ...]`."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = [
    "admin",
    "province_staff",
    "commune_staff",
    "secretary_a",
    "secretary_b",
    "agency_staff",
    "visitor",
    "handler",
    "member",
    "viewer",
    "outsider",
]


@dataclass
class Case:
    url_name: str
    expect: dict[str, int]  # role -> status; key "default" for the rest
    kwargs: Callable[[Any], dict] = lambda cast: {}
    method: str = "get"
    data: Callable[[Any], dict] | None = None
    query: str = ""
    label: str = ""
    extra: dict = field(default_factory=dict)
    # The effect of a POST, read before and after it (e.g. the object's state): a
    # refused POST leaves it and the audit trail as they were; with `changes=True` an
    # allowed POST (with the case's valid `data`) must change it and add an audit row.
    effect: Callable[[Any], Any] | None = None
    changes: bool = False

    def status_for(self, role: str) -> int:
        if role in self.expect:
            return self.expect[role]
        return self.expect["default"]


def only(statuses: dict[str, int], default: int) -> dict[str, int]:
    return {**statuses, "default": default}
