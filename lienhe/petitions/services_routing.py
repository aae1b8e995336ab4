"""Petitions: routing to agencies, answering, closing, reopening, split and merge."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Agency, Petition
from .services_base import (
    E,
    PetitionError,
    S,
    _event,
    _locked,
    _notify,
    _save,
    _source_users,
    due_date,
)
from .services_capture import create_petition
from .services_clusters import _refresh_cluster

# ----------------------------------------------------------------- routing


@transaction.atomic
def assign(
    petition: Petition,
    agency: Agency,
    *,
    actor=None,
    due_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Petition:
    today = today or timezone.localdate()
    current = _locked(petition)
    if current.state not in (S.NEW, S.REOPENED):
        raise PetitionError(
            _(
                "Chỉ chuyển được kiến nghị mới tiếp nhận hoặc đã mở lại; kiến nghị đang ở trạng thái “%(s)s”."
            )
            % {"s": current.get_state_display()}
        )
    if not agency.is_active:
        raise PetitionError(_("Cơ quan %(a)s hiện không tiếp nhận kiến nghị.") % {"a": agency})
    due = due_on or due_date(current.organization, today)
    if due < today:
        raise PetitionError(_("Hạn trả lời không thể trước hôm nay."))
    current.agency = agency
    current.assigned_on = today
    current.due_on = due
    current.state = S.ASSIGNED
    current.escalated_on = None
    _save(current, "agency", "assigned_on", "due_on", "state", "escalated_on")
    _event(current, E.ASSIGNED, actor, note=note, agency=agency.name, due_on=f"{due:%d/%m/%Y}")
    _notify(
        agency.handlers.filter(is_active=True),
        current,
        _("Kiến nghị mới chuyển đến %(a)s, hạn %(d)s") % {"a": agency, "d": f"{due:%d/%m/%Y}"},
        f"assigned:{agency.pk}:{today.isoformat()}",
    )
    for merged in current.merged_petitions.filter(state__in=(S.NEW, S.REOPENED)):
        assign(
            merged, agency, actor=actor, due_on=due, note=_("Theo kiến nghị đã gộp"), today=today
        )
    return current


@transaction.atomic
def transfer(
    petition: Petition,
    agency: Agency,
    *,
    reason: str,
    actor=None,
    today: dt.date | None = None,
) -> Petition:
    """Hand the petition to another agency (wrong addressee); the answer time restarts."""
    today = today or timezone.localdate()
    current = _locked(petition)
    if current.state not in Petition.WAITING_STATES:
        raise PetitionError(_("Chỉ chuyển tiếp được kiến nghị đang chờ cơ quan giải quyết."))
    if not (reason or "").strip():
        raise PetitionError(_("Hãy ghi lý do chuyển sang cơ quan khác."))
    if current.agency_id == agency.pk:
        raise PetitionError(_("Kiến nghị đang ở chính cơ quan này."))
    if not agency.is_active:
        raise PetitionError(_("Cơ quan %(a)s hiện không tiếp nhận kiến nghị.") % {"a": agency})
    old = current.agency.name if current.agency_id else ""
    current.agency = agency
    current.assigned_on = today
    current.due_on = due_date(current.organization, today)
    current.state = S.ASSIGNED
    current.escalated_on = None
    _save(current, "agency", "assigned_on", "due_on", "state", "escalated_on")
    _event(current, E.TRANSFERRED, actor, note=reason.strip(), **{"from": old, "to": agency.name})
    _notify(
        agency.handlers.filter(is_active=True),
        current,
        _("Kiến nghị được chuyển đến %(a)s") % {"a": agency},
        f"assigned:{agency.pk}:{today.isoformat()}",
    )
    return current


@transaction.atomic
def start(petition: Petition, *, actor=None) -> Petition:
    current = _locked(petition)
    if current.state not in (S.ASSIGNED, S.REOPENED):
        raise PetitionError(_("Kiến nghị không ở trạng thái chờ cơ quan nhận xử lý."))
    current.state = S.IN_PROGRESS
    _save(current, "state")
    _event(current, E.STARTED, actor, agency=current.agency.name if current.agency_id else "")
    return current


@transaction.atomic
def answer_petition(
    petition: Petition,
    *,
    answer: str,
    actor=None,
    expected_version: int | None = None,
    whole_cluster: bool = False,
    now: dt.datetime | None = None,
) -> Petition:
    """The agency answers. Merged petitions (and, when asked, the open petitions of the
    same cluster at this agency) get the same answer so every source is informed."""
    now = now or timezone.now()
    current = _locked(petition, expected_version)
    if current.state not in Petition.WAITING_STATES:
        raise PetitionError(_("Kiến nghị không ở trạng thái chờ trả lời."))
    text = (answer or "").strip()
    if len(text) < 10:
        raise PetitionError(_("Nội dung trả lời quá ngắn; hãy nêu rõ kết quả giải quyết."))
    _set_answer(current, text, actor, now)
    followers = list(current.merged_petitions.filter(state__in=Petition.WAITING_STATES))
    if whole_cluster and current.cluster_id:
        followers += list(
            Petition.objects.filter(
                cluster_id=current.cluster_id,
                agency_id=current.agency_id,
                state__in=Petition.WAITING_STATES,
            ).exclude(pk=current.pk)
        )
    for other in {p.pk: p for p in followers}.values():
        other = _locked(other)
        _set_answer(other, text, actor, now, via=current.pk)
    return current


def _set_answer(current: Petition, text: str, actor, now: dt.datetime, via: int | None = None):
    today = timezone.localdate(now)
    current.answer = text
    current.answered_at = now
    current.answered_late = bool(current.due_on and today > current.due_on)
    current.state = S.ANSWERED
    _save(current, "answer", "answered_at", "answered_late", "state")
    data = {"late": current.answered_late}
    if via:
        data["via"] = via
    _event(current, E.ANSWERED, actor, note=text, **data)
    _notify(
        _source_users(current),
        current,
        _("Kiến nghị đã được trả lời: %(s)s") % {"s": current.summary[:80]},
        f"answered:{current.reopen_count}",
    )


@transaction.atomic
def close(petition: Petition, *, actor=None, note: str = "") -> Petition:
    """The raising cell accepts the answer."""
    current = _locked(petition)
    if current.state != S.ANSWERED:
        raise PetitionError(_("Chỉ kết thúc được kiến nghị đã có trả lời."))
    current.state = S.CLOSED
    current.closed_at = timezone.now()
    current.outcome = Petition.Outcome.ACCEPTED
    _save(current, "state", "closed_at", "outcome")
    _event(current, E.CLOSED, actor, note=note)
    return current


@transaction.atomic
def reopen(petition: Petition, *, reason: str, actor=None, today: dt.date | None = None):
    """The raising cell does not accept the answer: back to the same agency with a new
    answer time (or to routing when no agency)."""
    today = today or timezone.localdate()
    current = _locked(petition)
    if current.state not in (S.ANSWERED, S.CLOSED):
        raise PetitionError(_("Chỉ mở lại được kiến nghị đã trả lời hoặc đã kết thúc."))
    if current.state == S.CLOSED and current.outcome != Petition.Outcome.ACCEPTED:
        raise PetitionError(_("Kiến nghị này đã tách hoặc gộp, không mở lại được."))
    if not (reason or "").strip():
        raise PetitionError(_("Hãy ghi lý do chi bộ chưa đồng ý với trả lời."))
    current.state = S.REOPENED
    current.reopen_count += 1
    current.closed_at = None
    current.outcome = ""
    current.due_on = due_date(current.organization, today) if current.agency_id else None
    current.assigned_on = today if current.agency_id else current.assigned_on
    current.escalated_on = None
    _save(
        current,
        "state",
        "reopen_count",
        "closed_at",
        "outcome",
        "due_on",
        "assigned_on",
        "escalated_on",
    )
    _event(current, E.REOPENED, actor, note=reason.strip())
    if current.agency_id:
        _notify(
            current.agency.handlers.filter(is_active=True),
            current,
            _("Kiến nghị bị mở lại: %(s)s") % {"s": current.summary[:80]},
            f"reopened:{current.reopen_count}",
        )
    return current


@transaction.atomic
def split(petition: Petition, parts: list[dict], *, actor=None) -> list[Petition]:
    """One petition that holds several issues becomes several; the original ends."""
    current = _locked(petition)
    if current.state not in (S.NEW, S.REOPENED, S.ASSIGNED):
        raise PetitionError(_("Chỉ tách được kiến nghị chưa được cơ quan xử lý."))
    parts = [p for p in parts if (p.get("summary") or "").strip()]
    if len(parts) < 2:
        raise PetitionError(_("Hãy nhập ít nhất hai nội dung để tách."))
    created = []
    for part in parts:
        child = create_petition(
            organization=current.organization,
            summary=part["summary"],
            details=part.get("details", ""),
            category=part.get("category") or current.category,
            source_type=current.source_type,
            source_id=current.source_id,
            raised_by_kind=current.raised_by_kind,
            raised_by_name=current.raised_by_name,
            raised_by_member=current.raised_by_member,
            raised_by_user=current.raised_by_user,
            people_count=current.people_count,
            priority=current.priority,
            admin_unit=current.admin_unit,
            place=current.place,
            received_on=current.received_on,
            actor=actor,
        )
        child.split_from = current
        child.save(update_fields=["split_from"])
        created.append(child)
    current.state = S.CLOSED
    current.outcome = Petition.Outcome.SPLIT
    current.closed_at = timezone.now()
    _save(current, "state", "outcome", "closed_at")
    _event(current, E.SPLIT, actor, parts=[c.pk for c in created])
    _refresh_cluster(current.cluster_id)
    return created


@transaction.atomic
def merge(petitions: list[Petition], into: Petition, *, actor=None) -> Petition:
    """Several petitions about one issue are handled as `into`: they follow its
    routing and receive its answer."""
    target = _locked(into)
    if target.state == S.CLOSED:
        raise PetitionError(_("Không gộp vào một kiến nghị đã kết thúc."))
    others = [p for p in petitions if p.pk != target.pk]
    if not others:
        raise PetitionError(_("Hãy chọn ít nhất một kiến nghị khác để gộp."))
    total = target.people_count
    for other in others:
        other = _locked(other)
        if other.state not in (S.NEW, S.REOPENED, S.ASSIGNED):
            raise PetitionError(
                _("Kiến nghị #%(n)s đang được xử lý hoặc đã xong, không gộp được.")
                % {"n": other.pk}
            )
        other.merged_into = target
        if target.agency_id:
            other.agency_id = target.agency_id
            other.assigned_on = target.assigned_on
            other.due_on = target.due_on
            other.state = target.state if target.state in Petition.WAITING_STATES else other.state
        _save(other, "merged_into", "agency", "assigned_on", "due_on", "state")
        _event(other, E.MERGED, actor, into=target.pk)
        total += other.people_count
    target.people_count = total
    _save(target, "people_count")
    _event(target, E.MERGED, actor, merged=[p.pk for p in others])
    return target
