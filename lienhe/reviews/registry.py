"""What the reviews module adds to shared pages (`register_all`, called from
`ReviewsConfig.ready`, through `lienhe.registry.register`): navigation, home panel,
member section, periodic-report section, red flags, "today" items, policy keys, daily
job."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.access.scoping import has_org_permission, paths_with, subtree_q
from lienhe.prepared import prepared

from .models import ResidenceComment


def register_all() -> None:
    from lienhe import registry

    from . import flags, jobs, periodic, policy, today

    registry.register(
        registry.NavItem(
            "reviews:list", gettext_lazy("Nhận xét, đánh giá"), "reviews:read", 50, "reviews"
        ),
        registry.NavItem("reviews:mine", gettext_lazy("Nhận xét của tôi"), "self", 51, "reviews"),
        registry.Panel(40, home_panel, families=("comments",)),
        registry.MemberSection(40, member_section, reads=(ResidenceComment,)),
        registry.Section(
            "reviews", "Nhận xét nơi cư trú và đánh giá, xếp loại", 50, periodic.reviews_section
        ),
        registry.RedFlag(
            "reviews",
            gettext_lazy("Nhận xét, đánh giá"),
            "reviews:read",
            flags.red_flags,
            60,
            families=("comments",),
        ),
        registry.TodayTasks(40, today.workplace_items, families=("comments",)),
        *policy.POLICY_KEYS,
        registry.DailyJob("reviews.comment_reminders", jobs.comment_reminders),
    )


def home_panel(request):
    """Residence officers: comments to write, with the nearest deadline."""
    user = request.user
    paths = paths_with(user, "reviews:write")
    if not paths:
        return None
    from lienhe.summaries.services import totals  # issue 21: counters, not a COUNT

    waiting = [ResidenceComment.State.REQUESTED, ResidenceComment.State.DRAFT]
    keys = [f"comments.to.{state}" for state in waiting]
    count = sum(totals(paths, keys).values())
    if not count:
        return None
    todo = (
        ResidenceComment.objects.filter(subtree_q(paths, "residence_org__path"))
        .filter(state__in=waiting)
        .select_related("member")
        .order_by("due_on")
    )
    return {
        "template": "reviews/_home_panel.html",
        "items": list(todo[:5]),
        "count": count,
        "title": _("Nhận xét nơi cư trú cần gửi"),
    }


@prepared
def _latest_comments(member_id: int) -> QuerySet[ResidenceComment]:
    """The member's 5 latest comments in force (compiled once per process)."""
    return (
        ResidenceComment.objects.filter(member_id=member_id)
        .exclude(state=ResidenceComment.State.SUPERSEDED)
        .select_related("residence_org")
        .order_by("-year")[:5]
    )


def member_section(request, member, full):
    """On a member's page: their residence comments (workplace side or self)."""
    user = request.user
    allowed = (
        user.is_superuser
        or user.member_id == member.pk
        or has_org_permission(user, member.organization, "reviews:read")
    )
    if not allowed:
        return None
    comments = _latest_comments(member.pk)
    if user.member_id == member.pk and not user.is_superuser:
        comments = [c for c in comments if c.is_locked]
    return {
        "template": "reviews/_member_section.html",
        "title": _("Nhận xét nơi cư trú"),
        "comments": comments,
        "year": timezone.localdate().year,
    }
