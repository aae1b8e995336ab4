"""Red flags of the petitions module for the organization board
(lienhe.reports.redflags): petitions past their answer deadline (`due_on`, set from
Policy `petition_answer_days` when routed), the escalated ones weighing more."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.reports.redflags import RedFlag, days_overdue_score

from .models import Petition

ESCALATED_WEIGHT = 20  # already reported to the higher committee: the board must act


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """One query whatever the subtree size."""
    overdue = (
        Petition.objects.in_subtree(org)
        .overdue(today)
        .select_related("organization", "agency")
        .order_by("due_on", "id")[:limit]
    )
    flags = []
    for p in overdue:
        escalated = p.escalated_on is not None
        title = (
            _("Kiến nghị #%(n)s quá hạn trả lời, đã báo cáo cấp trên: %(s)s")
            if escalated
            else _("Kiến nghị #%(n)s quá hạn trả lời: %(s)s")
        ) % {"n": p.pk, "s": p.summary[:80]}
        flags.append(
            RedFlag(
                module="petitions",
                score=days_overdue_score(
                    p.due_on, today, weight=10 + (ESCALATED_WEIGHT if escalated else 0)
                ),
                title=title,
                org_name=p.organization.name,
                org_path=p.organization.path,
                url=reverse("petitions:detail", args=[p.pk]),
                deadline=p.due_on,
                detail=_("Cơ quan giải quyết: %(a)s") % {"a": p.agency.name} if p.agency else "",
                key=f"petitions:overdue:{p.pk}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
