"""Daily reminders of the comment campaign (idempotent through dedupe keys)."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.notify.services import notify

from .models import ResidenceComment

REMIND_DAYS_BEFORE = (7, 1)


def comment_reminders(today: dt.date) -> int:
    """Remind the residence cell before the due date; escalate overdue comments to
    the commune committee (the cell's parent) once per comment."""
    from lienhe.liaison.services import officers_of
    from lienhe.orgs.models import Organization

    sent = 0
    pending = ResidenceComment.objects.filter(
        state__in=[ResidenceComment.State.REQUESTED, ResidenceComment.State.DRAFT]
    ).select_related("member", "residence_org")
    for days in REMIND_DAYS_BEFORE:
        for c in pending.filter(due_on=today + dt.timedelta(days=days)).iterator():
            sent += notify(
                officers_of(c.residence_org, "reviews:write"),
                kind="reviews.comment.due_soon",
                title=_("Còn %(d)s ngày đến hạn nhận xét %(name)s")
                % {"d": days, "name": c.member.full_name},
                url=reverse("reviews:comment_edit", args=[c.pk]),
                dedupe_key=f"comment-due-{c.pk}-{days}",
                due_on=c.due_on,
            )
    for c in pending.filter(due_on__lt=today).iterator():
        parent = Organization.objects.get_parent(c.residence_org)
        if parent is None:
            continue
        sent += notify(
            officers_of(parent, "reviews:write"),
            kind="reviews.comment.overdue",
            title=_("Quá hạn nhận xét: %(name)s (%(cell)s)")
            % {"name": c.member.full_name, "cell": c.residence_org.name},
            body=_("Hạn gửi %(due)s.") % {"due": c.due_on.strftime("%d/%m/%Y")},
            url=reverse("reviews:comment_detail", args=[c.pk]),
            dedupe_key=f"comment-overdue-{c.pk}",
            due_on=c.due_on,
        )
    return sent
