"""Going away (seed 004): the report, the cell's and committee's consideration,
contacts, the destination's comment and the return home."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.models import User
from lienhe.audit.services import log_action
from lienhe.concurrency import apply_changes
from lienhe.documents.services import allocate_number
from lienhe.members.models import Member
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks

from .common import (
    AwayError,
    _cell_officers,
    _check_version,
    _locked,
    _member_user,
    _residence_cell_officers,
    _save,
    _tell_after_cell,
    base_committee,
    today,
)
from .exemptions import revoke_exemption
from .models import AWAY_FIELDS, AwayPeriod, Contact, DestinationComment, Exemption


def _validate_away(fields: dict[str, Any]) -> None:
    start, end = fields.get("start_on"), fields.get("expected_end_on")
    if start and end and end < start:
        raise AwayError(_("Ngày dự kiến trở về phải sau ngày đi."))
    if not fields.get("destination_unit") and not fields.get("destination_country"):
        raise AwayError(_("Hãy chọn tỉnh/thành phố nơi đến, hoặc ghi quốc gia nếu ra nước ngoài."))
    if not fields.get("phone") and not fields.get("other_contacts"):
        raise AwayError(_("Hãy ghi ít nhất một cách liên lạc với đảng viên ở nơi đến."))


@transaction.atomic
def file_away(member: Member, *, actor, **fields: Any) -> AwayPeriod:
    """The member (self-service) or the cell files a going-away report."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    if member.status not in (Member.Status.ACTIVE, Member.Status.EXEMPTED):
        raise AwayError(_("Đảng viên này không còn sinh hoạt tại chi bộ."))
    open_ = AwayPeriod.objects.filter(member=member).filter(
        status__in=[*AwayPeriod.OPEN, AwayPeriod.Status.APPROVED]
    )
    if open_.exists():
        raise AwayError(
            _(
                "Đảng viên này đã có một báo cáo đi làm ăn xa chưa khép lại; hãy bổ sung báo "
                "cáo đó hoặc ghi nhận trở về trước."
            )
        )
    data = {k: v for k, v in fields.items() if k in AWAY_FIELDS}
    _validate_away(data)
    away = AwayPeriod(member=member, organization=member.organization, filed_by=actor, **data)
    away.full_clean()
    away.save()
    summary_hooks.changed("away", [away.organization_id])  # issue 21
    log_action(
        away,
        "away.report.filed",
        actor=actor,
        organization_path=member.organization.path,
        data={"member": member.pk, "self": getattr(actor, "member_id", None) == member.pk},
    )
    notify(
        [u for u in _cell_officers(member.organization) if u != actor],
        kind="away.filed",
        title=_("%(name)s báo cáo đi làm ăn xa") % {"name": member.full_name},
        body=_("Nơi đến: %(dest)s. Chi bộ xem xét và báo cáo đảng ủy.")
        % {"dest": away.destination_label},
        url=reverse("away:detail", args=[away.pk]),
        dedupe_key=f"away.filed.{away.pk}",
    )
    return away


@transaction.atomic
def update_away(away: AwayPeriod, *, expected_version: int, actor, **fields: Any) -> AwayPeriod:
    current = _locked(AwayPeriod, away.pk)
    _check_version(current, expected_version)
    editable = (*AwayPeriod.OPEN, AwayPeriod.Status.APPROVED)
    if current.status not in editable:
        raise AwayError(_("Báo cáo đã khép lại, không sửa được nữa."))
    data = {k: v for k, v in fields.items() if k in AWAY_FIELDS}
    merged = {k: getattr(current, k) for k in AWAY_FIELDS} | data
    _validate_away(merged)
    changed = apply_changes(current, data)
    if not changed:
        return current
    if current.status == AwayPeriod.Status.CHANGES:
        current.status = AwayPeriod.Status.SUBMITTED
    current.full_clean()
    _save(current, "away.report.updated", actor, "away", data=changed)
    return current


@transaction.atomic
def cell_consider(
    away: AwayPeriod, *, actor, agree: bool, opinion: str, expected_version: int | None = None
) -> AwayPeriod:
    """The cell considers the report: agree and send to the base committee, or ask the
    member to complete it."""
    current = _locked(AwayPeriod, away.pk)
    _check_version(current, expected_version)
    if current.status != AwayPeriod.Status.SUBMITTED:
        raise AwayError(_("Chỉ xem xét được báo cáo đang chờ chi bộ."))
    if not opinion.strip():
        raise AwayError(_("Hãy ghi ý kiến của chi bộ."))
    current.cell_opinion = opinion.strip()
    current.status = AwayPeriod.Status.CELL_AGREED if agree else AwayPeriod.Status.CHANGES
    _save(
        current,
        "away.report.cell_agreed" if agree else "away.report.changes_requested",
        actor,
        "away",
        data={"opinion": current.cell_opinion},
    )
    _tell_after_cell(
        current,
        agree,
        reverse("away:detail", args=[current.pk]),
        approve=(
            "away.to_approve",
            _("Chi bộ đề nghị duyệt: %(name)s đi làm ăn xa") % {"name": current.member.full_name},
        ),
        back=("away.changes", _("Chi bộ đề nghị bổ sung báo cáo đi làm ăn xa")),
        key=f"{current.pk}.{current.version}",
    )
    return current


@transaction.atomic
def approve_away(
    away: AwayPeriod,
    *,
    actor,
    note: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> AwayPeriod:
    """The base committee approves; a numbered notice (thông báo) is issued."""
    on = on or today()
    current = _locked(AwayPeriod, away.pk)
    _check_version(current, expected_version)
    if current.status != AwayPeriod.Status.CELL_AGREED:
        raise AwayError(_("Chỉ duyệt được báo cáo chi bộ đã xem xét."))
    issuer = base_committee(current.organization)
    number = allocate_number(
        issuer,
        kind="TB-DLAX",
        symbol="TB/ĐU",
        issued_on=on,
        title=f"Đồng ý đảng viên {current.member.full_name} đi làm ăn xa",
        obj=current,
        actor=actor,
    )
    current.status = AwayPeriod.Status.APPROVED
    current.committee_note = note.strip()
    current.approved_on = on
    current.approved_by = actor
    current.decision_number = number.display
    _save(current, "away.report.approved", actor, "away", data={"number": current.decision_number})
    url = reverse("away:detail", args=[current.pk])
    notify(
        [_member_user(current.member), *_cell_officers(current.organization)],
        kind="away.approved",
        title=_("Đảng ủy đã đồng ý: %(name)s đi làm ăn xa") % {"name": current.member.full_name},
        body=_("Thông báo số %(n)s.") % {"n": current.decision_number},
        url=url,
        dedupe_key=f"away.approved.{current.pk}",
    )
    residence = _residence_cell_officers(current.member)
    if residence:
        notify(
            residence,
            kind="away.residence_informed",
            title=_("Đảng viên sinh hoạt nơi cư trú đi làm ăn xa: %(name)s")
            % {"name": current.member.full_name},
            body=_("Đảng ủy nơi đảng viên sinh hoạt đã đồng ý (thông báo số %(n)s), từ %(d)s.")
            % {"n": current.decision_number, "d": current.start_on.strftime("%d/%m/%Y")},
            url=url,
            dedupe_key=f"away.residence.{current.pk}",
        )
    return current


@transaction.atomic
def committee_request_changes(
    away: AwayPeriod, *, actor, note: str, expected_version: int | None = None
) -> AwayPeriod:
    current = _locked(AwayPeriod, away.pk)
    _check_version(current, expected_version)
    if current.status != AwayPeriod.Status.CELL_AGREED:
        raise AwayError(_("Chỉ trả lại được báo cáo đang chờ đảng ủy duyệt."))
    if not note.strip():
        raise AwayError(_("Hãy ghi rõ nội dung cần bổ sung."))
    current.status = AwayPeriod.Status.CHANGES
    current.committee_note = note.strip()
    _save(
        current,
        "away.report.returned_for_changes",
        actor,
        "away",
        data={"note": current.committee_note},
    )
    notify(
        [_member_user(current.member), *_cell_officers(current.organization)],
        kind="away.changes",
        title=_("Đảng ủy đề nghị bổ sung báo cáo đi làm ăn xa của %(name)s")
        % {"name": current.member.full_name},
        body=current.committee_note,
        url=reverse("away:detail", args=[current.pk]),
        dedupe_key=f"away.changes.{current.pk}.{current.version}",
    )
    return current


@transaction.atomic
def withdraw_away(away: AwayPeriod, *, actor) -> AwayPeriod:
    current = _locked(AwayPeriod, away.pk)
    if current.status not in AwayPeriod.OPEN:
        raise AwayError(_("Chỉ rút được báo cáo chưa được duyệt."))
    current.status = AwayPeriod.Status.WITHDRAWN
    _save(current, "away.report.withdrawn", actor, "away")
    return current


@transaction.atomic
def record_contact(away: AwayPeriod, *, actor, on: dt.date, kind: str, note: str = "") -> Contact:
    current = _locked(AwayPeriod, away.pk)
    if current.status != AwayPeriod.Status.APPROVED:
        raise AwayError(_("Chỉ ghi liên lạc với đảng viên đang đi làm ăn xa."))
    if on > today():
        raise AwayError(_("Ngày liên lạc không được ở tương lai."))
    if on < current.start_on:
        raise AwayError(_("Ngày liên lạc phải từ ngày đảng viên đi."))
    if kind not in Contact.Kind.values:
        raise AwayError(_("Hình thức liên lạc không hợp lệ."))
    if getattr(actor, "member_id", None) == current.member_id:
        kind = Contact.Kind.SELF
    contact = Contact.objects.create(away=current, on=on, kind=kind, note=note.strip(), by=actor)
    if current.last_contact_on is None or on > current.last_contact_on:
        AwayPeriod.objects.filter(pk=current.pk).update(last_contact_on=on)
    summary_hooks.paths_changed([current.organization.path])  # supervision report cache
    log_action(
        current,
        "away.contact.recorded",
        actor=actor,
        organization_path=current.organization.path,
        data={"on": on.isoformat(), "kind": kind},
    )
    return contact


@transaction.atomic
def mark_returned(
    away: AwayPeriod,
    *,
    actor,
    on: dt.date,
    note: str = "",
    no_comment_reason: str = "",
    expected_version: int | None = None,
) -> AwayPeriod:
    """Return home closes the away period (and ends an exemption tied to it). Before
    activity resumes the destination's comment ("nhận xét của cơ quan, chính quyền địa
    phương nơi đến", seed 004) must be on file, or the reason it could not be obtained."""
    current = _locked(AwayPeriod, away.pk)
    _check_version(current, expected_version)
    if current.status != AwayPeriod.Status.APPROVED:
        raise AwayError(_("Chỉ ghi nhận trở về cho đảng viên đang đi làm ăn xa."))
    has_comment = DestinationComment.objects.filter(away=current).exclude(text="").exists()
    if not has_comment and not no_comment_reason.strip():
        raise AwayError(
            _(
                "Chưa có nhận xét của cơ quan, chính quyền nơi đến: hãy ghi nhận xét hoặc "
                "ghi rõ lý do không lấy được trước khi đảng viên sinh hoạt trở lại."
            )
        )
    current.no_destination_comment_reason = "" if has_comment else no_comment_reason.strip()[:255]
    if on < current.start_on:
        raise AwayError(_("Ngày trở về phải sau ngày đi."))
    if on > today():
        raise AwayError(_("Ngày trở về không được ở tương lai."))
    current.status = AwayPeriod.Status.RETURNED
    current.returned_on = on
    _save(
        current,
        "away.report.returned_home",
        actor,
        "away",
        data={
            "on": on.isoformat(),
            "note": note,
            "no_comment_reason": current.no_destination_comment_reason,
        },
    )
    for ex in Exemption.objects.filter(away=current, end_on__gt=on, start_on__lte=on):
        revoke_exemption(ex, actor=actor, on=on, reason=_("Đảng viên đã trở về địa phương"))
    return current


@transaction.atomic
def broadcast(org: Organization, *, actor, title: str, body: str) -> int:
    """Send news to every away member of the cell (subtree) who has an account."""
    if not title.strip():
        raise AwayError(_("Hãy nhập tiêu đề tin."))
    member_ids = (
        AwayPeriod.objects.current(today()).in_subtree(org).values_list("member_id", flat=True)
    )
    users = User.objects.filter(member_id__in=member_ids, is_active=True)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    sent = notify(
        users,
        kind="away.news",
        title=title.strip(),
        body=body.strip(),
        url=reverse("away:mine"),
        dedupe_key=f"away.news.{org.pk}.{stamp}",
    )
    log_action(
        org,
        "away.news.broadcast",
        actor=actor,
        organization_path=org.path,
        data={"title": title.strip(), "sent": sent},
    )
    return sent


@transaction.atomic
def request_destination_comment(
    away: AwayPeriod, *, actor, year: int, authority: str, on: dt.date | None = None
) -> DestinationComment:
    """Issue the numbered request-for-comment letter to the destination authority."""
    on = on or today()
    current = _locked(AwayPeriod, away.pk)
    if current.status not in (AwayPeriod.Status.APPROVED, AwayPeriod.Status.RETURNED):
        raise AwayError(_("Chỉ đề nghị nhận xét cho đảng viên đã được duyệt đi làm ăn xa."))
    comment, _created = DestinationComment.objects.get_or_create(away=current, year=year)
    if comment.request_number:
        return comment
    number = allocate_number(
        base_committee(current.organization),
        kind="CV-NX",
        symbol="CV/ĐU",
        issued_on=on,
        title=f"Đề nghị nhận xét đảng viên {current.member.full_name} năm {year}",
        obj=comment,
        actor=actor,
    )
    comment.request_number = number.display
    comment.requested_on = on
    comment.authority = authority.strip() or comment.authority
    comment.save()
    log_action(
        current,
        "away.comment.requested",
        actor=actor,
        organization_path=current.organization.path,
        data={"year": year, "number": comment.request_number},
    )
    return comment


@transaction.atomic
def record_destination_comment(
    away: AwayPeriod, *, actor, year: int, authority: str, text: str, received_on: dt.date
) -> DestinationComment:
    current = _locked(AwayPeriod, away.pk)
    if not text.strip():
        raise AwayError(_("Hãy nhập nội dung nhận xét."))
    if received_on > today():
        raise AwayError(_("Ngày nhận không được ở tương lai."))
    comment, _created = DestinationComment.objects.select_for_update().get_or_create(
        away=current, year=year
    )
    if comment.received_on:
        raise AwayError(
            _("Nhận xét năm %(y)s đã được ghi nhận; nhận xét không sửa lại được.") % {"y": year}
        )
    comment.authority = authority.strip()
    comment.text = text.strip()
    comment.received_on = received_on
    comment.recorded_by = actor
    comment.save()
    summary_hooks.paths_changed([current.organization.path])  # supervision report cache
    log_action(
        current,
        "away.comment.recorded",
        actor=actor,
        organization_path=current.organization.path,
        data={"year": year, "authority": comment.authority},
    )
    return comment
