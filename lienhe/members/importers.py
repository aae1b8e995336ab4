"""Import of members and of the organization tree from .xlsx/CSV exported by the
existing party-member software or kept in spreadsheets.

Flow: read the file (`import_files.read_table`), map columns (auto-detected from the
Vietnamese headers, editable), analyse every row into a plan (creates, updates,
unchanged, errors with row and column), and commit the plan all-or-nothing. The
commit re-analyses inside its transaction, so what is written is exactly what the
database allowed at that moment; a single error writes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.orgs.models import Organization

from .importing.cells import strip_export_prefix
from .importing.columns import (
    COLUMNS,
    KIND_LABELS,
    LABELS,
    MEMBER_COLUMNS,
    ORG_COLUMNS,
    check_mapping,
    detect_kind,
    detect_mapping,
    open_table,
)
from .importing.members import _commit_members, analyze_members
from .importing.orgs import _commit_orgs, analyze_orgs
from .importing.plan import Plan, Progress

__all__ = [
    "COLUMNS",
    "KIND_LABELS",
    "LABELS",
    "MEMBER_COLUMNS",
    "ORG_COLUMNS",
    "ImportRefused",
    "Plan",
    "analyze",
    "check_mapping",
    "commit",
    "detect_kind",
    "detect_mapping",
    "open_table",
    "strip_export_prefix",
]

# --- entry points used by the web task and the CLI ---


def analyze(
    data: bytes,
    filename: str,
    root: Organization,
    *,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    lock: bool = False,
) -> Plan:
    table = open_table(data, filename)
    kind = kind or detect_kind(table.headers)
    if mapping is None:
        mapping = detect_mapping(table.headers, kind)
    analyzer = analyze_members if kind == "members" else analyze_orgs
    return analyzer(table, mapping, root, progress=progress, lock=lock)


class ImportRefused(Exception):
    """The commit found errors; nothing was written. Carries the plan."""

    def __init__(self, plan: Plan):
        super().__init__(
            _("Còn %(n)s lỗi trong tệp; chưa ghi dòng nào. Hãy sửa tệp rồi tải lại.")
            % {"n": plan.error_count}
        )
        self.plan = plan


def commit(
    data: bytes,
    filename: str,
    root: Organization,
    *,
    actor=None,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Analyse again and write everything in one transaction, or nothing."""
    with transaction.atomic():
        plan = analyze(
            data, filename, root, kind=kind, mapping=mapping, progress=progress, lock=True
        )
        if not plan.ok:
            raise ImportRefused(plan)
        if plan.kind == "members":
            _commit_members(plan, actor=actor, progress=progress)
        else:
            _commit_orgs(plan, root, actor=actor, progress=progress)
        log_action(
            root,
            f"{'members' if plan.kind == 'members' else 'orgs'}.import.committed",
            actor=actor,
            organization_path=root.path,
            data={
                "file": filename[:200],
                "rows": plan.total,
                "created": len(plan.creates),
                "updated": len(plan.updates),
                "unchanged": plan.unchanged,
            },
        )
    return plan
