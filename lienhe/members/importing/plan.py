"""What an import would do: creates, updates, unchanged rows and errors (with row and
column), and its summary for the confirmation page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .columns import LABELS

Progress = Callable[[int, str], None]
MAX_STORED_ERRORS = 1000
PREVIEW_ROWS = 25
CHUNK = 2000


@dataclass
class Plan:
    kind: str
    total: int = 0
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any], dict[str, list[str]]]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> dict[str, Any]:
        labels = LABELS[self.kind]
        creates = []
        for row in self.creates[:PREVIEW_ROWS]:
            if self.kind == "members":
                creates.append(
                    {
                        "row": row["_row"],
                        "key": row["card_number"],
                        "name": row["full_name"],
                        "org": row["_org_name"],
                    }
                )
            else:
                creates.append(
                    {"row": row["_row"], "key": row["code"], "name": row["name"], "org": ""}
                )
        updates = [
            {
                "row": fields.get("_row"),
                "key": fields.get("_key"),
                "name": fields.get("_name"),
                "changes": [
                    [labels.get(k, k) if k != "organization" else _("Chi bộ"), *v]
                    for k, v in changes.items()
                ],
            }
            for _pk, fields, changes in self.updates[:PREVIEW_ROWS]
        ]
        return {
            "kind": self.kind,
            "total": self.total,
            "creates": len(self.creates),
            "updates": len(self.updates),
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": self.errors,
            "preview_creates": creates,
            "preview_updates": updates,
        }
