"""Red flags of the reviews module for the organization board
(lienhe.reports.redflags): residence comments past their deadline, and proposals of
"excellent/good" against a residence conclusion below good — a conflict that
`services.finalise` will not accept without a written justification."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.reports.redflags import RedFlag, days_overdue_score

from .constants import HIGH_LEVELS
from .models import ResidenceComment, YearReview
from .selectors import below_good_comment

CONFLICT_WEIGHT = 20  # no deadline of its own; the year-end review waits for it


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """Two queries whatever the subtree size."""
    flags: list[RedFlag] = []
    late = (
        ResidenceComment.objects.in_subtree(org)  # the residence writes, the workplace waits
        .filter(
            state__in=[ResidenceComment.State.REQUESTED, ResidenceComment.State.DRAFT],
            due_on__lt=today,
        )
        .select_related("member", "residence_org")
        .order_by("due_on", "id")[:limit]
    )
    for c in late:
        flags.append(
            RedFlag(
                module="reviews",
                score=days_overdue_score(c.due_on, today, weight=10),
                title=_("Quá hạn gửi nhận xét nơi cư trú năm %(y)s cho %(name)s")
                % {"y": c.year, "name": c.member.full_name},
                org_name=c.residence_org.name,
                org_path=c.residence_org.path,
                url=reverse("reviews:comment_detail", args=[c.pk]),
                deadline=c.due_on,
                key=f"reviews:comment:{c.pk}",
            )
        )
    conflicts = (
        YearReview.objects.in_subtree(org)
        .filter(state=YearReview.State.PROPOSED, proposal_level__in=list(HIGH_LEVELS))
        .filter(below_good_comment())
        .select_related("member", "organization")
        .order_by("year", "organization__path", "id")[:limit]
    )
    for r in conflicts:
        flags.append(
            RedFlag(
                module="reviews",
                score=CONFLICT_WEIGHT,
                title=_("Đề xuất xếp loại %(name)s khác nhận xét nơi cư trú, cần giải trình")
                % {"name": r.member.full_name},
                org_name=r.organization.name,
                org_path=r.organization.path,
                url=reverse("reviews:review_edit", args=[r.member_id, r.year]),
                detail=_("Năm %(y)s") % {"y": r.year},
                key=f"reviews:conflict:{r.pk}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
