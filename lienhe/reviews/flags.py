"""Red flags of the reviews module for the organization board
(lienhe.reports.redflags): residence comments past their deadline, and proposals of
"excellent/good" against a residence conclusion below good — a conflict that
`services.finalise` will not accept without a written justification."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from lienhe.reports.redflags import RedFlag, days_overdue_score
from lienhe.urlformat import url_for

from .constants import HIGH_LEVELS
from .models import ResidenceComment, YearReview
from .selectors import below_good_comment

CONFLICT_WEIGHT = 20  # no deadline of its own; the year-end review waits for it


def red_flags(org, today: dt.date, limit: int) -> list[RedFlag]:
    """Two queries whatever the subtree size; tuples of what a flag shows (issue 21)."""
    flags: list[RedFlag] = []
    late = (
        ResidenceComment.objects.in_subtree(org)  # the residence writes, the workplace waits
        .filter(
            state__in=[ResidenceComment.State.REQUESTED, ResidenceComment.State.DRAFT],
            due_on__lt=today,
        )
        .order_by("due_on", "id")
        .values_list(
            "pk",
            "year",
            "due_on",
            "member__full_name",
            "residence_org__name",
            "residence_org__path",
        )[:limit]
    )
    url = url_for("reviews:comment_detail")
    title = _("Quá hạn gửi nhận xét nơi cư trú năm %(y)s cho %(name)s")
    for pk, year, due_on, name, org_name, org_path in late:
        flags.append(
            RedFlag(
                module="reviews",
                score=days_overdue_score(due_on, today, weight=10),
                title=title % {"y": year, "name": name},
                org_name=org_name,
                org_path=org_path,
                url=url(pk),
                deadline=due_on,
                key=f"reviews:comment:{pk}",
            )
        )
    conflicts = (
        YearReview.objects.in_subtree(org)
        .filter(state=YearReview.State.PROPOSED, proposal_level__in=list(HIGH_LEVELS))
        .filter(below_good_comment())
        .order_by("year", "organization__path", "id")
        .values_list(
            "pk",
            "member_id",
            "year",
            "member__full_name",
            "organization__name",
            "organization__path",
        )[:limit]
    )
    url = url_for("reviews:review_edit", 2)
    title = _("Đề xuất xếp loại %(name)s khác nhận xét nơi cư trú, cần giải trình")
    detail = _("Năm %(y)s")
    for pk, member_id, year, name, org_name, org_path in conflicts:
        flags.append(
            RedFlag(
                module="reviews",
                score=CONFLICT_WEIGHT,
                title=title % {"name": name},
                org_name=org_name,
                org_path=org_path,
                url=url(member_id, year),
                detail=detail % {"y": year},
                key=f"reviews:conflict:{pk}",
            )
        )
    return sorted(flags, key=lambda f: -f.score)[:limit]
