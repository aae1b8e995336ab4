"""Petitions: capture (forms, minutes, visits), who may act, attachments, agencies."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import apply_changes, lock_checked
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks

from .models import Agency, Attachment, Category, Petition
from .services_base import (
    _MAGIC,
    ALLOWED_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES,
    E,
    PetitionError,
    S,
    StaleEdit,
    _event,
    _locked,
    _save,
    category_for,
)
from .services_clusters import attach_to_cluster

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
    changed = apply_changes(current, fields)
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
