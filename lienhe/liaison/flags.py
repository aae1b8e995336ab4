"""Red flags of the liaison module for the organization board (lienhe.reports.redflags):
letters past their hand-in deadline, and letters handed in that the residence side
has not yet accepted."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.reports.redflags import RedFlag, days_overdue_score

from .models import Introduction

# No regulation sets how long a residence cell may take to receive a handed-in letter;
# seed 003 names "cells slow to receive members" as a failure. A week, Lienhe default.
ACCEPT_WAIT_DAYS = 7


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """Two queries whatever the subtree size (path prefix on both sides of the letter),
    each read in deadline order from its index and cut at `limit` (issue 21: one
    query ordered by a CASE of the two deadlines sorted every open letter)."""
    # Only what a flag shows: a page builds up to 2 × 200 of them (issue 21).
    letters = (
        Introduction.objects.in_subtree(org)
        .select_related("member", "workplace_org", "residence_org")
        .only(
            "state",
            "due_on",
            "handed_in_on",
            "member__full_name",
            *(
                f"{side}__{f}"
                for side in ("workplace_org", "residence_org")
                for f in ("name", "path")
            ),
        )
    )
    waiting_since = today - dt.timedelta(days=ACCEPT_WAIT_DAYS)
    overdue = list(
        letters.filter(state=Introduction.State.ISSUED, due_on__lt=today).order_by("due_on", "id")[
            :limit
        ]
    )
    waiting = list(
        letters.filter(state=Introduction.State.HANDED_IN, handed_in_on__lt=waiting_since).order_by(
            "handed_in_on", "id"
        )[:limit]
    )
    flags: list[RedFlag] = []
    for intro in overdue:
        flags.append(
            RedFlag(
                module="liaison",
                score=days_overdue_score(intro.due_on, today, weight=10),
                title=_("%(name)s quá hạn nộp giấy giới thiệu về nơi cư trú")
                % {"name": intro.member.full_name},
                org_name=intro.workplace_org.name,
                org_path=intro.workplace_org.path,
                url=reverse("liaison:detail", args=[intro.pk]),
                deadline=intro.due_on,
                detail=_("Nơi cư trú: %(org)s") % {"org": intro.residence_org.name},
                key=f"liaison:overdue:{intro.pk}",
            )
        )
    for intro in waiting:
        due = intro.handed_in_on + dt.timedelta(days=ACCEPT_WAIT_DAYS)
        flags.append(
            RedFlag(
                module="liaison",
                score=days_overdue_score(due, today, weight=5),
                title=_("Giấy của %(name)s đã nộp nhưng chưa được tiếp nhận")
                % {"name": intro.member.full_name},
                org_name=intro.residence_org.name,
                org_path=intro.residence_org.path,
                url=reverse("liaison:detail", args=[intro.pk]),
                deadline=due,
                detail=_("Nộp ngày %(d)s") % {"d": intro.handed_in_on.strftime("%d/%m/%Y")},
                key=f"liaison:accept:{intro.pk}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
