"""Business rules for away members, temporary exemptions and transfers of party life.
Every function takes an explicit `actor`, runs in a transaction, raises `AwayError`
with a Vietnamese message and writes an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.models import User
from lienhe.access.permissions import ROLE_PERMISSIONS
from lienhe.access.scoping import has_org_permission
from lienhe.audit.services import log_action
from lienhe.concurrency import check_version
from lienhe.documents.services import allocate_number
from lienhe.members.models import Member
from lienhe.members.services import MemberError, update_member
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy

from .models import AwayPeriod, Contact, DestinationComment, Exemption, Transfer


class AwayError(Exception):
    """A change the rules forbid; the message is for the user."""


class StaleEdit(AwayError):
    pass


STALE = (
    "Hồ sơ này vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất rồi sửa "
    "lại; những gì bạn vừa nhập vẫn còn trên biểu mẫu."
)


# ---------------------------------------------------------------- helpers


def today() -> dt.date:
    return timezone.localdate()


def base_committee(org: Organization) -> Organization:
    """The nearest base committee above (or at) `org`; issues decisions and letters."""
    if org.kind in (Organization.Kind.BASE, Organization.Kind.PROVINCE):
        return org
    ancestors = Organization.objects.filter(path__in=org.ancestor_paths()).order_by("-depth")
    for node in ancestors:
        if node.kind == Organization.Kind.BASE:
            return node
    return org


def officers(org: Organization, perm: str = "away:write", *, exact_depth: bool = False):
    """Users holding `perm` at `org` or an ancestor (nearest first is not guaranteed).
    With exact_depth, only those whose grant is at the nearest level that has any."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if perm in perms]
    users = list(
        User.objects.filter(
            is_active=True,
            roles__role__in=roles,
            roles__organization__path__in=org.ancestor_paths(),
            roles__organization__is_active=True,
        )
        .distinct()
        .select_related("member")
    )
    if not exact_depth or not users:
        return users
    depth_of = {}
    for user_id, path in User.objects.filter(
        pk__in=[u.pk for u in users], roles__role__in=roles
    ).values_list("pk", "roles__organization__path"):
        if org.path.startswith(path):
            depth_of[user_id] = max(depth_of.get(user_id, 0), len(path))
    deepest = max(depth_of.values())
    return [u for u in users if depth_of.get(u.pk) == deepest]


def _cell_officers(org: Organization):
    """Cell officers of the member's cell (falls back to the nearest level with staff)."""
    return officers(org, "away:write", exact_depth=True)


def _residence_cell_officers(member: Member) -> list:
    """Officers of the residence cell where the member keeps in touch (a live letter of
    Quy định 213), or [] — they are told of the away report and of an exemption."""
    from lienhe.liaison.selectors import current_introduction

    intro = current_introduction(member)
    if intro is None or not intro.is_live or intro.residence_org_id is None:
        return []
    return list(_cell_officers(intro.residence_org))


def _member_user(member: Member):
    return User.objects.filter(member=member, is_active=True).first()


def can_act_for_member(user, member: Member) -> bool:
    return user.member_id == member.pk or has_org_permission(
        user, member.organization, "away:write"
    )


def _check_version(obj, expected_version: int | None) -> None:
    check_version(obj, expected_version, StaleEdit(_(STALE)))


def _locked(model, pk):
    return (
        model.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=pk)
    )


# ---------------------------------------------------------------- going away

AWAY_FIELDS = (
    "destination_address",
    "destination_unit",
    "destination_country",
    "employer",
    "start_on",
    "expected_end_on",
    "phone",
    "other_contacts",
    "family_contact",
    "family_phone",
    "wants_temporary_transfer",
    "reason",
    "temp_residence_place",
    "temp_residence_on",
)


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
    changed = {}
    for name, value in data.items():
        if getattr(current, name) != value:
            changed[name] = [str(getattr(current, name)), str(value)]
            setattr(current, name, value)
    if not changed:
        return current
    if current.status == AwayPeriod.Status.CHANGES:
        current.status = AwayPeriod.Status.SUBMITTED
    current.version += 1
    current.full_clean()
    current.save()
    log_action(
        current,
        "away.report.updated",
        actor=actor,
        organization_path=current.organization.path,
        data=changed,
    )
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
    current.version += 1
    current.save()
    log_action(
        current,
        "away.report.cell_agreed" if agree else "away.report.changes_requested",
        actor=actor,
        organization_path=current.organization.path,
        data={"opinion": current.cell_opinion},
    )
    url = reverse("away:detail", args=[current.pk])
    if agree:
        base = base_committee(current.organization)
        notify(
            officers(base, "away:approve", exact_depth=True),
            kind="away.to_approve",
            title=_("Chi bộ đề nghị duyệt: %(name)s đi làm ăn xa")
            % {"name": current.member.full_name},
            body=current.cell_opinion,
            url=url,
            dedupe_key=f"away.to_approve.{current.pk}.{current.version}",
        )
    else:
        notify(
            [_member_user(current.member)],
            kind="away.changes",
            title=_("Chi bộ đề nghị bổ sung báo cáo đi làm ăn xa"),
            body=current.cell_opinion,
            url=url,
            dedupe_key=f"away.changes.{current.pk}.{current.version}",
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
    current.version += 1
    current.save()
    log_action(
        current,
        "away.report.approved",
        actor=actor,
        organization_path=current.organization.path,
        data={"number": current.decision_number},
    )
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
    current.version += 1
    current.save()
    log_action(
        current,
        "away.report.returned_for_changes",
        actor=actor,
        organization_path=current.organization.path,
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
    current.version += 1
    current.save()
    log_action(
        current, "away.report.withdrawn", actor=actor, organization_path=current.organization.path
    )
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
    current.version += 1
    current.save()
    log_action(
        current,
        "away.report.returned_home",
        actor=actor,
        organization_path=current.organization.path,
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
    log_action(
        current,
        "away.comment.recorded",
        actor=actor,
        organization_path=current.organization.path,
        data={"year": year, "authority": comment.authority},
    )
    return comment


# ---------------------------------------------------------------- exemptions


def exemption_grounds(org: Organization, on: dt.date | None = None) -> list[str]:
    return list(effective_policy(org, "exemption_grounds", on or today()))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _set_member_status(member: Member, status: str, *, actor) -> None:
    member = Member.objects.get(pk=member.pk)
    if member.status == status:
        return
    try:
        update_member(member, expected_version=member.version, actor=actor, status=status)
    except MemberError as exc:  # pragma: no cover - only a concurrent edit
        raise AwayError(str(exc)) from exc


@transaction.atomic
def grant_exemption(
    member: Member,
    *,
    actor,
    ground: str,
    start_on: dt.date,
    end_on: dt.date,
    detail: str = "",
    away: AwayPeriod | None = None,
    issued_on: dt.date | None = None,
) -> Exemption:
    """The base committee decides a temporary exemption from party activities."""
    issued_on = issued_on or today()
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    org = member.organization
    if member.status not in (Member.Status.ACTIVE, Member.Status.EXEMPTED):
        raise AwayError(_("Đảng viên này không còn sinh hoạt tại chi bộ."))
    if ground not in exemption_grounds(org, issued_on):
        raise AwayError(_("Lý do tạm miễn không có trong danh mục quy định."))
    if end_on < start_on:
        raise AwayError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    max_months = int(effective_policy(org, "exemption_max_months", issued_on))
    if end_on > _add_months(start_on, max_months):
        raise AwayError(
            _("Thời hạn tạm miễn không quá %(n)s tháng cho một lần quyết định.") % {"n": max_months}
        )
    overlap = Exemption.objects.filter(member=member, start_on__lte=end_on, end_on__gte=start_on)
    if overlap.exists():
        raise AwayError(_("Đảng viên đã có quyết định tạm miễn trùng thời gian này."))
    chain_start = back_to_back_start(member, start_on)
    issuer = base_committee(org)
    ex = Exemption(
        member=member,
        organization=org,
        away=away,
        ground=ground,
        detail=detail.strip(),
        start_on=start_on,
        end_on=end_on,
        planned_end_on=end_on,
        issuer=issuer,
        issued_on=issued_on,
        issued_by=actor,
    )
    ex.save()
    number = allocate_number(
        issuer,
        kind="QĐ-TMSH",
        symbol="QĐ/ĐU",
        issued_on=issued_on,
        title=f"Tạm miễn sinh hoạt đảng đối với đồng chí {member.full_name}",
        obj=ex,
        actor=actor,
    )
    ex.decision_number = number.display
    ex.save(update_fields=["decision_number"])
    log_action(
        ex,
        "away.exemption.granted",
        actor=actor,
        organization_path=org.path,
        data={
            "member": member.pk,
            "ground": ground,
            "from": start_on.isoformat(),
            "to": end_on.isoformat(),
            "number": ex.decision_number,
        },
    )
    if ex.in_force_on(today()):
        _set_member_status(member, Member.Status.EXEMPTED, actor=actor)
    if end_on > _add_months(chain_start, 12):
        # Back-to-back exemptions beyond 12 months: prompt a temporary transfer instead.
        notify(
            _cell_officers(org),
            kind="away.exemption_chain",
            title=_("%(name)s tạm miễn sinh hoạt liên tục quá 12 tháng")
            % {"name": member.full_name},
            body=_(
                "Các quyết định tạm miễn nối tiếp từ %(a)s đến %(b)s vượt 12 tháng: hãy xem xét "
                "giới thiệu sinh hoạt đảng tạm thời ở nơi đến thay vì tiếp tục tạm miễn."
            )
            % {"a": chain_start.strftime("%d/%m/%Y"), "b": end_on.strftime("%d/%m/%Y")},
            url=reverse("away:exemption", args=[ex.pk]),
            dedupe_key=f"away.exemption_chain.{ex.pk}",
        )
    notify(
        [_member_user(member), *_cell_officers(org)],
        kind="away.exemption",
        title=_("Quyết định tạm miễn sinh hoạt: %(name)s") % {"name": member.full_name},
        body=_("Từ %(a)s đến %(b)s. Lý do: %(g)s.")
        % {"a": start_on.strftime("%d/%m/%Y"), "b": end_on.strftime("%d/%m/%Y"), "g": ground},
        url=reverse("away:exemption", args=[ex.pk]),
        dedupe_key=f"away.exemption.{ex.pk}",
    )
    residence = _residence_cell_officers(member)
    if residence:
        notify(
            residence,
            kind="away.residence_exemption",
            title=_("Đảng viên sinh hoạt nơi cư trú được tạm miễn sinh hoạt: %(name)s")
            % {"name": member.full_name},
            body=_("Quyết định số %(n)s, từ %(a)s đến %(b)s.")
            % {
                "n": ex.decision_number,
                "a": start_on.strftime("%d/%m/%Y"),
                "b": end_on.strftime("%d/%m/%Y"),
            },
            url=reverse("away:exemption", args=[ex.pk]),
            dedupe_key=f"away.residence.exemption.{ex.pk}",
        )
    return ex


def back_to_back_start(member: Member, start_on: dt.date) -> dt.date:
    """First day of the run of exemptions that ends the day before `start_on` (each one
    starting the day after the previous ends); `start_on` when there is none."""
    first = start_on
    rows = list(
        Exemption.objects.filter(member=member, end_on__lt=start_on)
        .order_by("-end_on")
        .values_list("start_on", "end_on")[:24]
    )
    for s_on, e_on in rows:
        if e_on + dt.timedelta(days=1) < first:
            break
        first = min(first, s_on)
    return first


@transaction.atomic
def revoke_exemption(ex: Exemption, *, actor, on: dt.date, reason: str = "") -> Exemption:
    """End an exemption early: its last day becomes `on`."""
    current = Exemption.objects.select_for_update().select_related("member").get(pk=ex.pk)
    if current.status == Exemption.Status.REVOKED:
        raise AwayError(_("Quyết định tạm miễn này đã chấm dứt."))
    if on < current.start_on or on > current.end_on:
        raise AwayError(_("Ngày chấm dứt phải trong thời hạn tạm miễn."))
    current.status = Exemption.Status.REVOKED
    current.ended_on = on
    current.end_on = on
    current.save()
    log_action(
        current,
        "away.exemption.revoked",
        actor=actor,
        organization_path=current.organization.path,
        data={"on": on.isoformat(), "reason": reason},
    )
    if on <= today():
        _set_member_status(current.member, Member.Status.ACTIVE, actor=actor)
    return current


def sync_exemption_statuses(on: dt.date) -> int:
    """Daily: members whose exemption starts get status exempted; whose exemption
    ended go back to active. Changes go through `update_member` (history + audit)."""
    changed = 0
    in_force = set(
        Exemption.objects.filter(start_on__lte=on, end_on__gte=on).values_list(
            "member_id", flat=True
        )
    )
    to_exempt = Member.objects.filter(pk__in=in_force, status=Member.Status.ACTIVE)
    recently_ended = Exemption.objects.filter(
        end_on__lt=on, end_on__gte=on - dt.timedelta(days=31)
    ).values_list("member_id", flat=True)
    to_activate = Member.objects.filter(
        pk__in=set(recently_ended) - in_force, status=Member.Status.EXEMPTED
    )
    for member in to_exempt:
        with transaction.atomic():
            update_member(member, expected_version=member.version, status=Member.Status.EXEMPTED)
        changed += 1
    for member in to_activate:
        with transaction.atomic():
            update_member(member, expected_version=member.version, status=Member.Status.ACTIVE)
        changed += 1
    return changed


# ---------------------------------------------------------------- transfers


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
    current.version += 1
    current.save()
    log_action(
        current,
        "away.transfer.sent",
        actor=actor,
        organization_path=current.organization.path,
        data={"number": current.letter_number, "due": current.handin_due.isoformat()},
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
    current.version += 1
    current.save()
    log_action(
        current,
        "away.transfer.refused",
        actor=actor,
        organization_path=current.organization.path,
        data={"note": current.receipt_note},
    )
    return current


@transaction.atomic
def end_temporary_transfer(t: Transfer, *, actor, on: dt.date | None = None) -> Transfer:
    current = _locked_transfer(t)
    if current.kind != Transfer.Kind.TEMPORARY or current.status != Transfer.Status.RECEIVED:
        raise AwayError(_("Chỉ kết thúc được sinh hoạt tạm thời đã được tiếp nhận."))
    current.status = Transfer.Status.ENDED
    current.until = on or today()
    current.version += 1
    current.save()
    log_action(
        current,
        "away.transfer.ended",
        actor=actor,
        organization_path=current.organization.path,
        data={"on": current.until.isoformat()},
    )
    return current
