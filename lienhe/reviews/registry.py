"""What the reviews module adds to shared pages (home panel, member page)."""

from django.utils import timezone

from lienhe.access.scoping import has_org_permission, paths_with, subtree_q

from .models import ResidenceComment


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
        "title": "Nhận xét nơi cư trú cần gửi",
    }


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
    comments = list(
        ResidenceComment.objects.filter(member=member)
        .exclude(state=ResidenceComment.State.SUPERSEDED)
        .select_related("residence_org")
        .order_by("-year")[:5]
    )
    if user.member_id == member.pk and not user.is_superuser:
        comments = [c for c in comments if c.is_locked]
    return {
        "template": "reviews/_member_section.html",
        "title": "Nhận xét nơi cư trú",
        "comments": comments,
        "year": timezone.localdate().year,
    }
