"""Transfers of party life (chuyển sinh hoạt đảng, official or temporary)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.access.scoping import has_org_permission
from lienhe.audit.services import log_action
from lienhe.documents.services import allocate_number
from lienhe.members.models import Member
from lienhe.members.services import MemberError, update_member
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy
from lienhe.summaries import hooks as summary_hooks

from .common import (
    AwayError,
    _cell_officers,
    _check_version,
    _member_user,
    _save,
    base_committee,
    officers,
    today,
)
from .models import AwayPeriod, Transfer


def _sides(transfer: Transfer) -> list:
    """A transfer counts at the sending and at the receiving organization (summaries)."""
    return [transfer.organization_id, transfer.to_organization_id]


def _add_working_days(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@transaction.atomic
def request_transfer(
    member: Member,
    *,
    actor,
    kind: str,
    reason: str,
    to_organization: Organization | None = None,
    to_name: str = "",
    until: dt.date | None = None,
    away: AwayPeriod | None = None,
) -> Transfer:
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    if member.status not in (Member.Status.ACTIVE, Member.Status.EXEMPTED):
        raise AwayError(_("Đảng viên này không còn sinh hoạt tại chi bộ."))
    if kind not in Transfer.Kind.values:
        raise AwayError(_("Hình thức chuyển sinh hoạt không hợp lệ."))
    if to_organization is None and not to_name.strip():
        raise AwayError(_("Hãy chọn hoặc ghi tên tổ chức đảng nơi đến."))
    if to_organization is not None:
        if to_organization.pk == member.organization_id:
            raise AwayError(_("Tổ chức nơi đến trùng với chi bộ đang sinh hoạt."))
        if to_organization.kind not in (Organization.Kind.CELL, Organization.Kind.BASE):
            raise AwayError(_("Nơi đến phải là một chi bộ hoặc đảng bộ cơ sở."))
        if not to_organization.is_active:
            raise AwayError(_("Tổ chức đảng nơi đến đã giải thể hoặc hợp nhất."))
    if kind == Transfer.Kind.TEMPORARY and until is None:
        raise AwayError(_("Sinh hoạt tạm thời cần ghi thời hạn (đến ngày)."))
    if until is not None and until <= today():
        raise AwayError(_("Thời hạn sinh hoạt tạm thời phải sau hôm nay."))
    pending = Transfer.objects.filter(
        member=member, status__in=[Transfer.Status.REQUESTED, Transfer.Status.SENT]
    )
    if pending.exists():
        raise AwayError(_("Đảng viên đang có một đề nghị chuyển sinh hoạt chưa hoàn tất."))
    if not reason.strip():
        raise AwayError(_("Hãy ghi lý do chuyển sinh hoạt."))
    transfer = Transfer.objects.create(
        member=member,
        organization=member.organization,
        kind=kind,
        to_organization=to_organization,
        to_name=to_name.strip(),
        reason=reason.strip(),
        until=until if kind == Transfer.Kind.TEMPORARY else None,
        away=away,
        requested_by=actor,
    )
    summary_hooks.changed("transfers", _sides(transfer))
    log_action(
        transfer,
        "away.transfer.requested",
        actor=actor,
        organization_path=member.organization.path,
        data={"kind": kind, "to": transfer.destination_label},
    )
    notify(
        [u for u in _cell_officers(member.organization) if u != actor],
        kind="away.transfer",
        title=_("Đề nghị chuyển sinh hoạt %(kind)s: %(name)s")
        % {"kind": transfer.get_kind_display().lower(), "name": member.full_name},
        body=transfer.reason,
        url=reverse("away:transfer", args=[transfer.pk]),
        dedupe_key=f"away.transfer.requested.{transfer.pk}",
    )
    return transfer


def _locked_transfer(t: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "organization", "to_organization")
        .get(pk=t.pk)
    )


@transaction.atomic
def send_transfer(
    t: Transfer, *, actor, on: dt.date | None = None, expected_version: int | None = None
) -> Transfer:
    """The base committee issues the numbered letter (giấy giới thiệu sinh hoạt đảng)."""
    on = on or today()
    current = _locked_transfer(t)
    _check_version(current, expected_version)
    if current.status != Transfer.Status.REQUESTED:
        raise AwayError(_("Chỉ cấp giấy cho đề nghị đang chờ."))
    issuer = base_committee(current.organization)
    number = allocate_number(
        issuer,
        kind="GGT-SHĐ" if current.kind == Transfer.Kind.OFFICIAL else "GGT-SHTT",
        symbol="GGT/ĐU",
        issued_on=on,
        title=f"Giới thiệu sinh hoạt đảng {current.get_kind_display().lower()}: "
        f"{current.member.full_name}",
        obj=current,
        actor=actor,
    )
    days = int(effective_policy(current.organization, "transfer_handin_days", on))
    current.letter_number = number.display
    current.sent_on = on
    current.handin_due = _add_working_days(on, days)
    current.status = Transfer.Status.SENT
    _save(
        current,
        "away.transfer.sent",
        actor,
        "transfers",
        data={"number": current.letter_number, "due": current.handin_due.isoformat()},
        orgs=_sides(current),
    )
    url = reverse("away:transfer", args=[current.pk])
    recipients = [_member_user(current.member)]
    if current.to_organization_id:
        recipients += officers(current.to_organization, "away:write", exact_depth=True)
    notify(
        recipients,
        kind="away.transfer",
        title=_("Giấy giới thiệu sinh hoạt đảng %(n)s: %(name)s")
        % {"n": current.letter_number, "name": current.member.full_name},
        body=_("Nơi đến: %(to)s. Hạn nộp giấy: %(d)s.")
        % {"to": current.destination_label, "d": current.handin_due.strftime("%d/%m/%Y")},
        url=url,
        dedupe_key=f"away.transfer.sent.{current.pk}",
    )
    return current


def can_receive(user, t: Transfer) -> bool:
    if t.to_organization_id:
        return has_org_permission(user, t.to_organization, "away:write")
    # Paper receipt from outside the system is recorded by the sending side.
    return has_org_permission(user, t.organization, "away:write")


@transaction.atomic
def receive_transfer(t: Transfer, *, actor, on: dt.date | None = None, note: str = "") -> Transfer:
    """The receiving side confirms (inside Lienhe) or the sender records the paper
    receipt. An official transfer moves the member's record; a temporary one keeps the
    member's official cell and records the temporary one."""
    on = on or today()
    current = _locked_transfer(t)
    if current.status != Transfer.Status.SENT:
        raise AwayError(_("Chỉ tiếp nhận được giấy giới thiệu đã cấp."))
    if on < current.sent_on:
        raise AwayError(_("Ngày tiếp nhận phải sau ngày cấp giấy."))
    current.status = Transfer.Status.RECEIVED
    current.received_on = on
    current.receipt_note = note.strip()
    current.version += 1
    current.save()
    summary_hooks.changed("transfers", _sides(current))
    member = Member.objects.get(pk=current.member_id)
    if current.kind == Transfer.Kind.OFFICIAL:
        try:
            if current.to_organization_id:
                update_member(
                    member,
                    expected_version=member.version,
                    actor=actor,
                    organization=current.to_organization,
                )
            else:
                update_member(
                    member,
                    expected_version=member.version,
                    actor=actor,
                    status=Member.Status.TRANSFERRED,
                )
        except MemberError as exc:
            raise AwayError(str(exc)) from exc
    log_action(
        current,
        "away.transfer.received",
        actor=actor,
        organization_path=current.organization.path,
        data={"on": on.isoformat(), "note": current.receipt_note},
    )
    notify(
        [_member_user(current.member), *_cell_officers(current.organization)],
        kind="away.transfer",
        title=_("Nơi đến đã tiếp nhận sinh hoạt đảng của %(name)s")
        % {"name": current.member.full_name},
        body=current.destination_label,
        url=reverse("away:transfer", args=[current.pk]),
        dedupe_key=f"away.transfer.received.{current.pk}",
    )
    return current


@transaction.atomic
def refuse_transfer(t: Transfer, *, actor, note: str) -> Transfer:
    current = _locked_transfer(t)
    if current.status not in (Transfer.Status.REQUESTED, Transfer.Status.SENT):
        raise AwayError(_("Đề nghị này đã hoàn tất."))
    if not note.strip():
        raise AwayError(_("Hãy ghi lý do."))
    current.status = Transfer.Status.REFUSED
    current.receipt_note = note.strip()
    _save(
        current,
        "away.transfer.refused",
        actor,
        "transfers",
        data={"note": current.receipt_note},
        orgs=_sides(current),
    )
    return current


@transaction.atomic
def end_temporary_transfer(t: Transfer, *, actor, on: dt.date | None = None) -> Transfer:
    current = _locked_transfer(t)
    if current.kind != Transfer.Kind.TEMPORARY or current.status != Transfer.Status.RECEIVED:
        raise AwayError(_("Chỉ kết thúc được sinh hoạt tạm thời đã được tiếp nhận."))
    current.status = Transfer.Status.ENDED
    current.until = on or today()
    _save(
        current,
        "away.transfer.ended",
        actor,
        "transfers",
        data={"on": current.until.isoformat()},
        orgs=_sides(current),
    )
    return current
