"""Red flags of the liaison module for the organization board (lienhe.reports.redflags):
letters past their hand-in deadline, and letters handed in that the residence side
has not yet accepted."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from lienhe.reports.redflags import RedFlag, days_overdue_score
from lienhe.urlformat import url_for

from .models import Introduction

# No regulation sets how long a residence cell may take to receive a handed-in letter;
# seed 003 names "cells slow to receive members" as a failure. A week, Lienhe default.
ACCEPT_WAIT_DAYS = 7


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """Two queries whatever the subtree size (path prefix on both sides of the letter),
    each read in deadline order from its index and cut at `limit` (issue 21: one
    query ordered by a CASE of the two deadlines sorted every open letter)."""
    # Only what a flag shows, as tuples: a page builds up to 2 × 200 flags (issue 21).
    fields = (
        "pk",
        "due_on",
        "handed_in_on",
        "member__full_name",
        "workplace_org__name",
        "workplace_org__path",
        "residence_org__name",
        "residence_org__path",
    )
    letters = Introduction.objects.in_subtree(org)
    waiting_since = today - dt.timedelta(days=ACCEPT_WAIT_DAYS)
    overdue = letters.filter(state=Introduction.State.ISSUED, due_on__lt=today).order_by(
        "due_on", "id"
    )
    waiting = letters.filter(
        state=Introduction.State.HANDED_IN, handed_in_on__lt=waiting_since
    ).order_by("handed_in_on", "id")
    url = url_for("liaison:detail")
    flags: list[RedFlag] = []
    title = _("%(name)s quá hạn nộp giấy giới thiệu về nơi cư trú")
    detail = _("Nơi cư trú: %(org)s")
    for pk, due_on, _h, name, w_name, w_path, r_name, _r_path in overdue.values_list(*fields)[
        :limit
    ]:
        flags.append(
            RedFlag(
                module="liaison",
                score=days_overdue_score(due_on, today, weight=10),
                title=title % {"name": name},
                org_name=w_name,
                org_path=w_path,
                url=url(pk),
                deadline=due_on,
                detail=detail % {"org": r_name},
                key=f"liaison:overdue:{pk}",
            )
        )
    title = _("Giấy của %(name)s đã nộp nhưng chưa được tiếp nhận")
    detail = _("Nộp ngày %(d)s")
    for pk, _d, handed_in_on, name, _w, _wp, r_name, r_path in waiting.values_list(*fields)[:limit]:
        due = handed_in_on + dt.timedelta(days=ACCEPT_WAIT_DAYS)
        flags.append(
            RedFlag(
                module="liaison",
                score=days_overdue_score(due, today, weight=5),
                title=title % {"name": name},
                org_name=r_name,
                org_path=r_path,
                url=url(pk),
                deadline=due,
                detail=detail % {"d": handed_in_on.strftime("%d/%m/%Y")},
                key=f"liaison:accept:{pk}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
