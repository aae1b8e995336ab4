"""Petition rules: capture, routing to agencies, answering, closing, escalation,
clusters of the same issue. Every state change writes a timeline step and an audit row."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, F, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import lock_checked
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy
from lienhe.summaries import hooks as summary_hooks
from lienhe.text import fold

from . import similarity
from .models import Agency, Attachment, Category, Cluster, Petition, PetitionEvent

S = Petition.State
E = PetitionEvent.Kind

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_ATTACHMENTS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF",),
    "application/msword": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK",),
}


class PetitionError(Exception):
    """A change the rules forbid; the message is for the user."""


class StaleEdit(PetitionError):
    pass


# ----------------------------------------------------------------- helpers


def _event(petition: Petition, kind: str, actor=None, note: str = "", **data: Any) -> None:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    PetitionEvent.objects.create(petition=petition, kind=kind, actor=actor, note=note, data=data)
    log_action(
        petition,
        f"petitions.petition.{kind}",
        actor=actor,
        organization_path=petition.organization.path,
        data={"note": note[:200], **data} if note else data,
    )


def _locked(petition: Petition, expected_version: int | None = None) -> Petition:
    return lock_checked(
        Petition.objects.select_related("organization", "agency", "category"),
        petition.pk,
        expected_version,
        StaleEdit(
            _(
                "Kiến nghị này vừa được người khác cập nhật. Hãy tải lại trang để xem bản "
                "mới nhất; những gì bạn vừa nhập vẫn còn trên biểu mẫu."
            )
        ),
        of_self=True,
    )


def _save(petition: Petition, *fields: str) -> None:
    petition.version += 1
    petition.save(update_fields=[*fields, "version", "updated_at", "search_text", "tokens"])
    summary_hooks.changed("petitions", [petition.organization_id])  # issue 21


def answer_days(org: Organization, on: dt.date) -> int:
    return int(effective_policy(org, "petition_answer_days", on))


def due_date(org: Organization, on: dt.date) -> dt.date:
    return on + dt.timedelta(days=answer_days(org, on))


def category_for(text: str) -> Category:
    """Map a free-text category (from minutes/visit forms) to the taxonomy."""
    folded = fold(text or "")
    categories = list(Category.objects.filter(is_active=True))
    for cat in categories:
        if folded and folded in (cat.code, fold(cat.name)):
            return cat
    for cat in categories:
        if folded and (folded in fold(cat.name) or fold(cat.name) in folded):
            return cat
    other = next((c for c in categories if c.code == "other"), None)
    if other is None:
        other, _created = Category.objects.get_or_create(
            code="other", defaults={"name": "Lĩnh vực khác", "order": 999}
        )
    return other


def _notify(users: Iterable, petition: Petition, title: str, key: str) -> int:
    from lienhe.notify.services import notify

    return notify(
        users,
        kind="petition",
        title=title,
        body=petition.summary,
        url=reverse("petitions:detail", args=[petition.pk]),
        dedupe_key=f"petition:{petition.pk}:{key}",
    )


def _cell_users(org: Organization):
    from lienhe.access.models import User

    return User.objects.filter(
        roles__organization=org, roles__role="cell_officer", is_active=True
    ).distinct()


def _source_users(petition: Petition) -> list:
    users = list(_cell_users(petition.organization))
    if petition.raised_by_user_id and petition.raised_by_user not in users:
        users.append(petition.raised_by_user)
    return users


# ----------------------------------------------------------------- capture


@transaction.atomic
def create_petition(
    *,
    organization: Organization,
    summary: str,
    category: Category,
    source_type: str,
    actor=None,
    details: str = "",
    source_id: str | int = "",
    raised_by_kind: str = Petition.RaisedBy.CELL,
    raised_by_name: str = "",
    raised_by_member=None,
    raised_by_user=None,
    people_count: int = 1,
    priority: str = Petition.Priority.NORMAL,
    admin_unit=None,
    place: str = "",
    received_on: dt.date | None = None,
    cluster: bool = True,
) -> Petition:
    if not (summary or "").strip():
        raise PetitionError(_("Hãy nhập nội dung tóm tắt của kiến nghị."))
    if people_count is not None and people_count < 1:
        raise PetitionError(_("Số người liên quan phải từ 1 trở lên."))
    if not organization.is_active:
        raise PetitionError(_("Tổ chức đảng này đã giải thể hoặc hợp nhất."))
    petition = Petition(
        organization=organization,
        summary=summary.strip()[:255],
        details=details or "",
        category=category,
        source_type=source_type,
        source_id=str(source_id or ""),
        raised_by_kind=raised_by_kind,
        raised_by_name=(raised_by_name or "").strip()[:120],
        raised_by_member=raised_by_member,
        raised_by_user=raised_by_user if getattr(raised_by_user, "pk", None) else None,
        people_count=people_count or 1,
        priority=priority,
        admin_unit=admin_unit or organization.admin_unit,
        place=(place or "").strip()[:255],
        received_on=received_on or timezone.localdate(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    petition.full_clean(exclude=["created_by", "raised_by_user", "raised_by_member"])
    petition.save()
    summary_hooks.changed("petitions", [petition.organization_id])  # issue 21
    _event(petition, E.CREATED, actor, source=source_type)
    if cluster:
        attach_to_cluster(petition, actor=actor)
    return petition


def petitions_from_minutes(sender, *, meeting, summary, details="", category="", actor=None, **kw):
    """Receiver of meetings' `minutes_issue_raised`."""
    create_petition(
        organization=meeting.organization,
        summary=summary,
        details=details,
        category=category_for(category),
        source_type=Petition.Source.MINUTES,
        source_id=meeting.pk,
        raised_by_kind=Petition.RaisedBy.CELL,
        raised_by_name=meeting.organization.name,
        actor=actor,
    )


def petitions_from_visit(sender, *, report, items, actor=None, **kw):
    """Receiver of visits' `visit_report_filed`: one petition per item heard."""
    cell = report.visit.cell
    visitor = getattr(report, "filed_by", None) or actor
    for item in items:
        create_petition(
            organization=cell,
            summary=item.get("summary", ""),
            details=item.get("details", ""),
            category=category_for(item.get("category", "")),
            source_type=Petition.Source.VISIT,
            source_id=report.pk,
            raised_by_kind=Petition.RaisedBy.VISITOR,
            raised_by_name=getattr(visitor, "display_name", "") if visitor else "",
            raised_by_user=visitor,
            actor=actor,
        )


def can_route(user, petition: Petition) -> bool:
    """Route (assign, forward, merge) a petition: petitions:route at its organization."""
    from lienhe.access.scoping import has_org_permission

    return has_org_permission(user, petition.organization, "petitions:route")


def can_handle(user, petition: Petition) -> bool:
    """Answer a petition: staff of the agency it is assigned to."""
    if getattr(user, "is_superuser", False):
        return True
    return (
        bool(petition.agency_id)
        and Agency.objects.handled_by(user).filter(pk=petition.agency_id).exists()
    )


def can_write_petition(user, petition: Petition) -> bool:
    """The one rule for writing a petition (edit, attach, close/reopen, split, delete,
    restore): `petitions:write` at its organization, or — for a committee member
    holding `petitions:write_own` there — a petition he recorded himself from his visit
    report (issue 15, finding 4)."""
    from lienhe.access.scoping import has_org_permission

    if has_org_permission(user, petition.organization, "petitions:write"):
        return True
    return (
        petition.source_type == Petition.Source.VISIT
        and petition.raised_by_user_id is not None
        and petition.raised_by_user_id == getattr(user, "pk", None)
        and has_org_permission(user, petition.organization, "petitions:write_own")
    )


def cluster_titles(
    user, cluster_ids: Iterable[int | None], *, visible: QuerySet | None = None
) -> dict[int, str]:
    """The heading of each cluster as `user` may see it (issue 15, finding 8). A new
    cluster is titled with the summary of one of its petitions (`attach_to_cluster`),
    and a router may confirm it unchanged. Such a title (any unconfirmed cluster, or
    one equal to a petition's summary) is shown only to a user who sees a petition
    with that summary; otherwise the heading is the summary of the first petition of
    the cluster the user sees (received first). A title a router wrote himself on
    confirming comes from no petition and is shown as it is. A cluster of which the
    user sees nothing gets "". `visible` is the caller's `Petition.objects.visible_to(user)`
    (or a part of it) when it has one. One query, two when confirmed clusters need
    checking."""
    ids = {pk for pk in cluster_ids if pk}
    if not ids:
        return {}
    if visible is None:
        visible = Petition.objects.visible_to(user)
    rows = (
        visible.filter(cluster_id__in=ids)
        .order_by("cluster_id", "received_on", "id")
        .values_list("cluster_id", "summary", "cluster__title", "cluster__confirmed_at")
    )
    titles = dict.fromkeys(ids, "")
    first: dict[int, str] = {}
    title_of: dict[int, str] = {}
    seen: set[int] = set()
    confirmed: set[int] = set()
    for pk, summary, title, confirmed_at in rows:
        first.setdefault(pk, summary)
        title_of[pk] = title
        if summary == title:
            seen.add(pk)
        if confirmed_at is not None:
            confirmed.add(pk)
    unseen_confirmed = confirmed - seen
    from_hidden = set()
    if unseen_confirmed:
        from_hidden = set(
            Petition.all_objects.filter(
                cluster_id__in=unseen_confirmed, summary=F("cluster__title")
            ).values_list("cluster_id", flat=True)
        )
    for pk, summary in first.items():
        shown = pk in seen or (pk in confirmed and pk not in from_hidden)
        titles[pk] = title_of[pk] if shown else summary
    return titles


@transaction.atomic
def update_petition(
    petition: Petition, *, expected_version: int, actor=None, **fields: Any
) -> Petition:
    current = _locked(petition, expected_version)
    if current.state == S.CLOSED:
        raise PetitionError(_("Kiến nghị đã kết thúc, không sửa được nữa."))
    changed = {}
    for name, value in fields.items():
        old = getattr(current, name)
        if old != value:
            changed[name] = [str(old), str(value)]
            setattr(current, name, value)
    if not changed:
        return current
    current.full_clean(exclude=["created_by", "raised_by_user", "raised_by_member"])
    _save(current, *fields.keys())
    _event(current, E.EDITED, actor, fields=sorted(changed))
    return current


def check_attachment(upload) -> str:
    """The content type to store, or PetitionError with the reason in Vietnamese."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in ALLOWED_ATTACHMENTS:
        raise PetitionError(
            _(
                "Chỉ nhận ảnh (JPG, PNG, WEBP) hoặc văn bản (PDF, Word, Excel); tệp %(n)s không hợp lệ."
            )
            % {"n": upload.name}
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise PetitionError(
            _("Tệp %(n)s nặng %(s)s MB, vượt quá 10 MB.")
            % {"n": upload.name, "s": f"{upload.size / 1048576:.1f}".replace(".", ",")}
        )
    if upload.size == 0:
        raise PetitionError(_("Tệp %(n)s rỗng.") % {"n": upload.name})
    kind = ALLOWED_ATTACHMENTS[ext]
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in _MAGIC[kind]):
        raise PetitionError(
            _("Nội dung tệp %(n)s không đúng với đuôi %(e)s.") % {"n": upload.name, "e": ext}
        )
    return kind


@transaction.atomic
def add_attachment(petition: Petition, upload, *, actor=None) -> Attachment:
    kind = check_attachment(upload)
    if petition.attachments.count() >= 10:
        raise PetitionError(_("Mỗi kiến nghị đính kèm tối đa 10 tệp."))
    name = os.path.basename(upload.name)[:200]
    att = Attachment(
        petition=petition,
        name=name,
        size=upload.size,
        content_type=kind,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    att.file.save(name, upload, save=False)
    att.save()
    _event(petition, E.ATTACHED, actor, note=name, size=upload.size)
    return att


# ----------------------------------------------------------------- agencies


@transaction.atomic
def save_agency(form, *, expected_version: int | None, actor=None) -> Agency:
    """Create or update an agency from a valid AgencyForm (no lost updates)."""
    agency = form.instance
    if agency.pk:
        current = lock_checked(
            Agency.objects.all(),
            agency.pk,
            expected_version,
            StaleEdit(_("Cơ quan này vừa được người khác sửa. Hãy tải lại trang rồi sửa lại.")),
        )
        agency.version = current.version + 1
    saved = form.save()
    log_action(
        saved,
        "petitions.agency.saved",
        actor=actor,
        data={"name": saved.name, "handlers": [u.pk for u in saved.handlers.all()]},
    )
    return saved


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


# ----------------------------------------------------------------- clusters


def cluster_window_days(org: Organization, on: dt.date) -> int:
    return int(effective_policy(org, "petition_cluster_window_days", on))


def similar_candidates(petition: Petition, *, today: dt.date | None = None):
    """(pk, tokens, cluster_id) of petitions in the same category and time window."""
    today = today or petition.received_on
    since = today - dt.timedelta(days=cluster_window_days(petition.organization, today))
    return (
        Petition.objects.filter(category_id=petition.category_id, received_on__gte=since)
        .exclude(pk=petition.pk)
        .exclude(keep_apart=True)
        .exclude(outcome__in=(Petition.Outcome.SPLIT, Petition.Outcome.MERGED))
        .values_list("pk", "tokens", "cluster_id")
    )


@transaction.atomic
def attach_to_cluster(petition: Petition, *, actor=None) -> Cluster | None:
    """Put a new petition in the cluster of its most similar neighbour (creating the
    cluster when the neighbour had none). Returns the cluster or None."""
    if petition.keep_apart or not petition.tokens:
        return None
    rows = list(similar_candidates(petition))
    pk, score = similarity.best_match(petition.tokens, [(r[0], r[1]) for r in rows])
    if pk is None:
        return None
    cluster_id = next(r[2] for r in rows if r[0] == pk)
    if cluster_id is None:
        neighbour = Petition.objects.get(pk=pk)
        cluster = Cluster.objects.create(title=neighbour.summary, category_id=petition.category_id)
        Petition.objects.filter(pk=pk).update(cluster=cluster)
        _event(neighbour, E.CLUSTERED, actor, cluster=cluster.pk, score=round(score, 3))
    else:
        cluster = Cluster.objects.get(pk=cluster_id)
    Petition.objects.filter(pk=petition.pk).update(cluster=cluster)
    petition.cluster = cluster
    _event(petition, E.CLUSTERED, actor, cluster=cluster.pk, score=round(score, 3))
    _refresh_cluster(cluster.pk)
    return cluster


def _refresh_cluster(cluster_id: int | None) -> None:
    if not cluster_id:
        return
    live = Petition.objects.filter(cluster_id=cluster_id).exclude(
        outcome__in=(Petition.Outcome.SPLIT, Petition.Outcome.MERGED)
    )
    agg = live.aggregate(
        n=Count("id"), cells=Count("organization", distinct=True), people=Sum("people_count")
    )
    if agg["n"] <= 1:
        live.update(cluster=None)
        Cluster.objects.filter(pk=cluster_id).delete()
        return
    Cluster.objects.filter(pk=cluster_id).update(
        size=agg["n"], cells=agg["cells"], people=agg["people"] or 0, updated_at=timezone.now()
    )


@transaction.atomic
def confirm_cluster(cluster: Cluster, *, actor=None, title: str = "") -> Cluster:
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    cluster.confirmed_at = timezone.now()
    cluster.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    if title.strip():
        cluster.title = title.strip()[:255]
    cluster.save()
    log_action(cluster, "petitions.cluster.confirmed", actor=cluster.confirmed_by)
    return cluster


@transaction.atomic
def remove_from_cluster(petition: Petition, *, actor=None) -> Petition:
    """Staff say this one is a different issue: out of the cluster, and it stays out."""
    current = _locked(petition)
    if not current.cluster_id:
        raise PetitionError(_("Kiến nghị không thuộc cụm nào."))
    cluster_id = current.cluster_id
    current.cluster = None
    current.keep_apart = True
    _save(current, "cluster", "keep_apart")
    _event(current, E.UNCLUSTERED, actor, cluster=cluster_id)
    _refresh_cluster(cluster_id)
    return current


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
        .values_list("planned_at", flat=True)
        .first()
    )
    qs = Petition.objects.filter(
        organization_id=meeting.organization_id,
        answered_at__isnull=False,
        answered_at__lte=meeting.planned_at,
        state__in=(S.ANSWERED, S.CLOSED),
    ).exclude(outcome__in=(Petition.Outcome.SPLIT, Petition.Outcome.MERGED))
    if previous is not None:
        qs = qs.filter(answered_at__gt=previous)
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
    from lienhe.audit.softdelete import SoftDeleteError, soft_delete

    try:
        with transaction.atomic():
            deleted = soft_delete(petition, actor=actor, reason=reason)
            summary_hooks.changed("petitions", [petition.organization_id])  # issue 21
            return deleted
    except SoftDeleteError as exc:
        raise PetitionError(str(exc)) from exc


def restore_petition(petition: Petition, *, actor) -> Petition:
    from lienhe.audit.softdelete import SoftDeleteError, restore

    try:
        with transaction.atomic():
            restored = restore(petition, actor=actor)
            summary_hooks.changed("petitions", [petition.organization_id])  # issue 21
            return restored
    except SoftDeleteError as exc:
        raise PetitionError(str(exc)) from exc
