"""Reviews: errors, the campaign window, exemption reasons and the evidence of a year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from lienhe.liaison.models import Introduction
from lienhe.liaison.selectors import residence_record
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy


class ReviewError(Exception):
    """A comment or review step the rules forbid; the message is for the user."""


class StaleEdit(ReviewError):
    pass


# --- campaign window and exemptions --------------------------------------------------


def _month_day(value: str, year: int) -> dt.date:
    month, day = (int(part) for part in str(value).split("-"))
    return dt.date(year, month, day)


def comment_window(org: Organization, year: int) -> tuple[dt.date, dt.date]:
    """(open, due) of the yearly campaign for `org` from Policy."""
    on = dt.date(year, 12, 31)
    return (
        _month_day(effective_policy(org, "comment_window_open", on), year),
        _month_day(effective_policy(org, "comment_window_due", on), year),
    )


def due_after_window(org: Organization, window_due: dt.date, created_on: dt.date) -> dt.date:
    """A request created after its yearly window has ended is never born overdue: it
    gets creation + `late_request_days` (Policy, a Lienhe default) instead of the
    window's end. Every module deriving a due date from a yearly window uses this."""
    if created_on <= window_due:
        return window_due
    days = int(effective_policy(org, "late_request_days", created_on))
    return created_on + dt.timedelta(days=days)


def comment_levels(org: Organization, year: int) -> list[str]:
    return list(effective_policy(org, "comment_levels", dt.date(year, 12, 31)))


def exemption_reason(intro: Introduction | None) -> str:
    """Why the member owes no yearly comment ('' when they owe one)."""
    if intro is None:
        return _("Chưa được giới thiệu về sinh hoạt nơi cư trú")
    if intro.state == Introduction.State.EXEMPT or intro.exemption:
        label = intro.get_exemption_display() if intro.exemption else _("Miễn giới thiệu")
        return f"{label}: {intro.exemption_reason}".strip(": ")
    if intro.state not in Introduction.LIVE_STATES:
        return _("Chưa nộp giấy giới thiệu về nơi cư trú")
    return ""


# --- evidence ------------------------------------------------------------------------


def gather_evidence(member: Member, year: int) -> dict[str, Any]:
    """What the system already knows, copied into the comment when it is prepared."""
    from lienhe.meetings.selectors import attendance_summary

    record = residence_record(member, year)
    attendance = attendance_summary([member.pk], year)[member.pk]
    return {
        "meetings_expected": attendance["expected"],
        "meetings_present": attendance["present"] + attendance["late"],
        "meetings_excused": attendance["excused"],
        "meetings_absent": attendance["absent"],
        "tasks_given": record["tasks_given"],
        "tasks_done": record["tasks_done"],
        "letter_on_time": record["on_time"],
        "letter_handed_in_on": record["handed_in_on"].isoformat()
        if record["handed_in_on"]
        else None,
        "thread_notes": record["thread_notes"],
    }


def evidence_rate(evidence: dict) -> int | None:
    """Lowest of attendance rate and task completion rate, in %, None without data."""
    rates = []
    if evidence.get("meetings_expected"):
        rates.append(100 * evidence["meetings_present"] / evidence["meetings_expected"])
    if evidence.get("tasks_given"):
        rates.append(100 * evidence["tasks_done"] / evidence["tasks_given"])
    return round(min(rates)) if rates else None
