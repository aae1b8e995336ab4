"""The reviews module's items of the "Việc cần làm hôm nay" panel
(`lienhe.reports.today_tasks`): for the workplace staff, residence comments received
lately, proposals waiting for a decision and conflicts to justify."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.scoping import subtree_q
from lienhe.reports.today_tasks import TodayScope
from lienhe.reports.today_tasks import item as _item

RECENT_COMMENT_DAYS = 30  # "comments received": sent within the last month


def workplace_items(scope: TodayScope) -> list[dict]:
    from .constants import HIGH_LEVELS
    from .models import ResidenceComment, YearReview
    from .selectors import below_good_comment

    items: list[dict] = []
    roots = scope.workplace_roots
    if not roots:
        return items
    paths = [o.path for o in roots]
    since = timezone.now() - dt.timedelta(days=RECENT_COMMENT_DAYS)
    received = ResidenceComment.objects.filter(
        subtree_q(paths, "workplace_org__path"),
        state=ResidenceComment.State.SENT,
        sent_at__gte=since,
    ).count()
    if received:
        items.append(
            _item(
                _("nhận xét của chi bộ nơi cư trú đã nhận trong 30 ngày qua"),
                received,
                reverse("reviews:list") + "?state=sent",
            )
        )
    reviews = (
        YearReview.objects.filter(
            subtree_q(paths, "organization__path"), state=YearReview.State.PROPOSED
        )
        .annotate(below=below_good_comment())
        .aggregate(
            pending=Count("id"),
            conflicts=Count("id", filter=Q(below=True, proposal_level__in=list(HIGH_LEVELS))),
        )
    )
    if reviews["pending"]:
        items.append(
            _item(
                _("đề xuất xếp loại của chi bộ chờ cấp ủy quyết định"),
                reviews["pending"],
                reverse("reviews:review_list"),
            )
        )
    if reviews["conflicts"]:
        items.append(
            _item(
                _("đề xuất khác nhận xét nơi cư trú, cần giải trình"),
                reviews["conflicts"],
                reverse("today:redflags") + "?module=reviews",
            )
        )
    return items
