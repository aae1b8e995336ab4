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
    # What a POST does (issue 18 item 7). `effect` reads the state the POST may change
    # (usually `rows("app.Model", "field", ...)`) before and after it; `audit` is the
    # dotted action of the AuditEvent it writes. A refused role's POST leaves the audit
    # trail and `effect` as they were. An allowed role's POST (with the case's valid
    # `data`) must change `effect` and add an `audit` row, except for the roles in
    # `unchanged_for`, whom a business rule turns away after a 2xx/3xx answer (nothing
    # written either). A POST that writes state without an audit row on purpose says
    # why in `unaudited`; a POST with no persistent effect at all says why in
    # `no_effect` (and must then write nothing). test_every_post_case_declares_its_effect
    # fails on a POST case that declares none of these.
    effect: Callable[[Any], Any] | None = None
    audit: str = ""
    unaudited: str = ""
    no_effect: str = ""
    unchanged_for: frozenset[str] = frozenset()

    def status_for(self, role: str) -> int:
        if role in self.expect:
            return self.expect[role]
        return self.expect["default"]


def only(statuses: dict[str, int], default: int) -> dict[str, int]:
    return {**statuses, "default": default}


def rows(label: str, *fields: str) -> Callable[[Any], list]:
    """An `effect`: every row of the model `label` ("app.Model", soft-deleted rows
    included) as (pk, *fields), so a created, deleted or changed row shows."""

    def read(cast) -> list:
        from django.apps import apps

        model = apps.get_model(label)
        return list(model._base_manager.order_by("pk").values_list("pk", *fields))

    read.__qualname__ = f"rows({label!r}, {', '.join(map(repr, fields))})"
    return read
