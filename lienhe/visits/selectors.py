"""Read-side contract of the visits module for other modules (reviews, reports)."""

from __future__ import annotations

from . import compliance
from .models import CommitteeMember


def committee_member_summary(member_id: int, year: int) -> list[dict]:
    """For the year-end review of a committee member: one dict per active seat held by
    the party member — committee, position, required, done, missed, late reports,
    remote cells visited and the verdict ("ok" / "warn" / "danger" with its label)."""
    result = []
    seats = CommitteeMember.objects.filter(member_id=member_id, is_active=True).select_related(
        "committee__organization"
    )
    for cm in seats:
        row = compliance.member_rows(
            cm.committee, year, members=CommitteeMember.objects.filter(pk=cm.pk)
        )[0]
        result.append(
            {
                "committee": cm.committee.name,
                "position": cm.get_position_display(),
                "required": row.required,
                "done": row.done,
                "missed": row.missed,
                "late_reports": row.late,
                "remote_cells": row.remote_done,
                "light": row.light,
                "verdict": str(row.light_label),
            }
        )
    return result
