"""Red flags of the petitions module for the organization board
(lienhe.reports.redflags): petitions past their answer deadline (`due_on`, set from
Policy `petition_answer_days` when routed), the escalated ones weighing more."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from lienhe.reports.redflags import RedFlag, days_overdue_score
from lienhe.urlformat import url_for

from .models import Petition

ESCALATED_WEIGHT = 20  # already reported to the higher committee: the board must act


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """One query whatever the subtree size; tuples of what a flag shows (issue 21)."""
    overdue = (
        Petition.objects.in_subtree(org)
        .overdue(today)
        .order_by("due_on", "id")
        .values_list(
            "pk",
            "summary",
            "due_on",
            "escalated_on",
            "organization__name",
            "organization__path",
            "agency__name",
        )[:limit]
    )
    url = url_for("petitions:detail")
    escalated_title = _("Kiến nghị #%(n)s quá hạn trả lời, đã báo cáo cấp trên: %(s)s")
    late_title = _("Kiến nghị #%(n)s quá hạn trả lời: %(s)s")
    agency_detail = _("Cơ quan giải quyết: %(a)s")
    flags = []
    for pk, summary, due_on, escalated_on, org_name, org_path, agency in overdue:
        escalated = escalated_on is not None
        flags.append(
            RedFlag(
                module="petitions",
                score=days_overdue_score(
                    due_on, today, weight=10 + (ESCALATED_WEIGHT if escalated else 0)
                ),
                title=(escalated_title if escalated else late_title) % {"n": pk, "s": summary[:80]},
                org_name=org_name,
                org_path=org_path,
                url=url(pk),
                deadline=due_on,
                detail=agency_detail % {"a": agency} if agency is not None else "",
                key=f"petitions:overdue:{pk}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
