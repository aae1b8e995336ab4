"""The member's own liaison page: letter state, open tasks, next meeting, last comment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from lienhe.members.models import Member

from .models import Introduction, LocalTask
from .selectors import residence_record


@login_required
def mine(request):
    member = request.user.member if request.user.member_id else None
    ctx: dict = {"member": member}
    if member is not None:
        record = residence_record(member, timezone.localdate().year)
        ctx["record"] = record
        intro = record["introduction"]
        if intro is not None:
            ctx["open_tasks"] = intro.tasks.filter(status=LocalTask.Status.OPEN)
            ctx["next_meeting"] = _next_meeting(intro)
            ctx["last_comment"] = _last_comment(member)
    return render(request, "liaison/mine.html", ctx)


def _next_meeting(intro: Introduction):
    """The residence cell's next planned meeting (meetings module), else its regular
    monthly meeting day."""
    cell = intro.cell
    if cell is None or not intro.is_live:
        return None
    from lienhe.meetings.selectors import next_meeting

    meeting = next_meeting(cell)
    if meeting is not None:
        return {"meeting": meeting}
    if cell.meeting_day:
        return {"day": cell.meeting_day}
    return None


def _last_comment(member: Member):
    """The last residence comment sent about the member (reviews module)."""
    from lienhe.reviews.models import ResidenceComment

    return (
        ResidenceComment.objects.filter(member=member, state__in=ResidenceComment.SENT_STATES)
        .select_related("residence_org")
        .order_by("-year", "-id")
        .first()
    )
