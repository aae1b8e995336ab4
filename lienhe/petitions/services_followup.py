"""Petitions: escalation of overdue petitions, reminders, agenda feedback, soft delete."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.softdelete import restore, soft_delete
from lienhe.orgs.models import Organization

from .models import Petition
from .services_base import E, PetitionError, S, _event, _locked, _notify, _save

# ----------------------------------------------------------------- escalation


def higher_committee(org: Organization) -> Organization | None:
    """The committee above the raising organization: for a cell (or group), the base
    committee over it; for a base, its parent."""
    node = org
    if node.kind == Organization.Kind.GROUP:
        node = node.get_parent() or node
    return node.get_parent()


def escalate_overdue(today: dt.date | None = None) -> int:
    """Overdue petitions not yet escalated are reported to the higher committee's staff
    (inbox). Idempotent: each petition escalates once per assignment."""
    from lienhe.access.models import User

    today = today or timezone.localdate()
    count = 0
    overdue = (
        Petition.objects.overdue(today)
        .filter(escalated_on__isnull=True)
        .select_related("organization", "agency")
    )
    for petition in overdue.iterator(chunk_size=500):
        with transaction.atomic():
            current = _locked(petition)
            if current.escalated_on or not current.is_overdue(today):
                continue
            target = higher_committee(current.organization)
            current.escalated_on = today
            current.escalated_to = target
            _save(current, "escalated_on", "escalated_to")
            late = (today - current.due_on).days
            _event(
                current,
                E.ESCALATED,
                None,
                to=target.name if target else "",
                days_late=late,
                agency=current.agency.name if current.agency_id else "",
            )
            if target is not None:
                staff = User.objects.filter(
                    roles__organization__path__in=target.ancestor_paths(),
                    roles__role="committee_staff",
                    is_active=True,
                ).distinct()
                _notify(
                    staff,
                    current,
                    _("Kiến nghị quá hạn %(n)s ngày tại %(a)s") % {"n": late, "a": current.agency},
                    f"escalated:{current.assigned_on}",
                )
            if current.agency_id:
                _notify(
                    current.agency.handlers.filter(is_active=True),
                    current,
                    _("Kiến nghị đã quá hạn trả lời %(n)s ngày") % {"n": late},
                    f"overdue:{current.assigned_on}",
                )
            count += 1
    return count


def remind_due_soon(today: dt.date | None = None, days: int = 3) -> int:
    """Handlers are reminded `days` before the answer is due (once per petition/date)."""
    today = today or timezone.localdate()
    sent = 0
    soon = Petition.objects.filter(
        state__in=Petition.WAITING_STATES,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
        agency__isnull=False,
    ).select_related("agency")
    for petition in soon.iterator(chunk_size=500):
        sent += _notify(
            petition.agency.handlers.filter(is_active=True),
            petition,
            _("Kiến nghị sắp đến hạn trả lời (%(d)s)") % {"d": f"{petition.due_on:%d/%m/%Y}"},
            f"due:{petition.due_on.isoformat()}",
        )
    return sent


# ----------------------------------------------------------------- agenda feedback


def answered_since_last_meeting(meeting) -> list[Petition]:
    """Petitions of the meeting's cell answered since its previous meeting (held or
    planned before this one) up to this meeting's start."""
    from lienhe.meetings.models import Meeting

    previous = (
        Meeting.objects.filter(organization_id=meeting.organization_id)
        .filter(planned_at__lt=meeting.planned_at)
        .exclude(pk=meeting.pk)
        .exclude(state=Meeting.State.CANCELLED)
        .order_by("-planned_at")
        .values("planned_at")[:1]
    )
    # The previous meeting's start as a subquery (one query, issue 21); no previous
    # meeting: no lower bound.
    qs = (
        Petition.objects.filter(
            organization_id=meeting.organization_id,
            answered_at__isnull=False,
            answered_at__lte=meeting.planned_at,
            state__in=(S.ANSWERED, S.CLOSED),
        )
        .exclude(outcome__in=(Petition.Outcome.SPLIT, Petition.Outcome.MERGED))
        .filter(Q(answered_at__gt=Subquery(previous)) | ~Exists(previous))
    )
    return list(qs.select_related("agency").order_by("answered_at")[:30])


def agenda_lines(meeting) -> list[str]:
    """AGENDA_PROVIDERS entry: one line per answer to report back to the people."""
    lines = []
    for p in answered_since_last_meeting(meeting):
        answer = p.answer if len(p.answer) <= 160 else p.answer[:157] + "…"
        agency = p.agency.name if p.agency_id else _("cơ quan chức năng")
        lines.append(
            _("Thông báo trả lời kiến nghị #%(n)s “%(s)s” của %(a)s: %(t)s")
            % {"n": p.pk, "s": p.summary, "a": agency, "t": answer}
        )
    return lines


# ---------------------------------------------------------------- soft delete (issue 10)


def delete_petition(petition: Petition, *, actor, reason: str) -> Petition:
    """Hide a petition entered by mistake (kept with who/when/why, restorable)."""
    return soft_delete(
        petition, actor=actor, reason=reason, summary="petitions", error=PetitionError
    )


def restore_petition(petition: Petition, *, actor) -> Petition:
    return restore(petition, actor=actor, summary="petitions", error=PetitionError)
