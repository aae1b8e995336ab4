"""Decisions in the minutes become tasks (issue 20 item 11).

A line of the minutes' "Kết luận, nghị quyết" is given, from the meeting page, to a
working member introduced to the cell, through the liaison module's one task rule
(`lienhe.liaison.services.add_task`: live letter, no residence exemption, due date not
in the past, audit row, thread line, notification). The link is kept in DecisionTask
so the meeting page shows who carries each decision."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.liaison import services as liaison_services
from lienhe.liaison.models import Introduction, LocalTask

from .models import DecisionTask, Meeting, Minutes
from .services import MeetingError

# Days given by default to carry out a decision ("mặc định của Lienhe": no regulation
# sets it; the secretary changes the date in the form).
DEFAULT_DUE_DAYS = 30

_BULLET = re.compile(r"^\s*(?:[-–•*+]|\d+[.)]|[a-zđ][.)])\s*", re.IGNORECASE)


def decision_lines(minutes: Minutes | None) -> list[str]:
    """The decisions of the minutes, one per non-empty line, bullets and numbering off."""
    if minutes is None:
        return []
    out = []
    for raw in (minutes.resolutions or "").splitlines():
        line = _BULLET.sub("", raw).strip()
        if line:
            out.append(line[:200])
    return out


def assignable_letters(meeting: Meeting) -> QuerySet[Introduction]:
    """Letters of the working members who can be given a task by this cell: live,
    held by the meeting's cell, not exempted from residence activities."""
    return (
        Introduction.objects.filter(
            residence_org=meeting.organization, state__in=Introduction.LIVE_STATES
        )
        .exclude(exemption=Introduction.Exemption.RESIDENCE)
        .select_related("member")
        .order_by("member__search_name", "id")
    )


@transaction.atomic
def task_from_decision(
    meeting: Meeting,
    *,
    decision: str,
    introduction: Introduction,
    due_on: dt.date,
    kind: str = LocalTask.Kind.OTHER,
    actor=None,
) -> LocalTask:
    """Give one decision of the meeting's minutes to one working member as a task."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    decision = (decision or "").strip()
    if decision not in decision_lines(minutes):
        raise MeetingError(_("Kết luận này không có trong biên bản buổi sinh hoạt."))
    if introduction.residence_org_id != meeting.organization_id:
        raise MeetingError(_("Đảng viên này không sinh hoạt nơi cư trú tại chi bộ này."))
    if DecisionTask.objects.filter(
        meeting=meeting, decision=decision, task__introduction=introduction
    ).exists():
        raise MeetingError(
            _("Kết luận này đã giao cho đồng chí %(name)s.")
            % {"name": introduction.member.full_name}
        )
    try:
        task = liaison_services.add_task(
            introduction,
            kind=kind,
            title=decision,
            due_on=due_on,
            note=_("Theo kết luận buổi sinh hoạt ngày %(d)s.")
            % {"d": timezone.localtime(meeting.planned_at).strftime("%d/%m/%Y")},
            actor=actor,
        )
    except liaison_services.LiaisonError as exc:
        raise MeetingError(str(exc)) from exc
    DecisionTask.objects.create(meeting=meeting, decision=decision, task=task)
    log_action(
        meeting,
        "meetings.meeting.decision_assigned",
        actor=actor,
        organization_path=meeting.organization.path,
        data={"task": task.pk, "member": introduction.member_id, "decision": decision},
    )
    return task


def decisions_with_tasks(meeting: Meeting, minutes: Minutes | None) -> list[dict]:
    """Each decision line with the tasks already given for it (one query)."""
    given: dict[str, list[DecisionTask]] = {}
    for row in (
        DecisionTask.objects.filter(meeting=meeting)
        .select_related("task__introduction__member")
        .order_by("id")
    ):
        given.setdefault(row.decision, []).append(row)
    return [
        {"text": line, "index": i, "tasks": given.get(line, [])}
        for i, line in enumerate(decision_lines(minutes))
    ]
