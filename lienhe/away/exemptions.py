"""Temporary exemption from party activities (tạm miễn sinh hoạt đảng): the member's
application, the cell's proposal, the committee's decision, back-to-back runs, early
end and the daily status sync.

Order of the steps (Điều lệ Đảng Điều 8 Khoản 1 and Hướng dẫn 01-HD/TW on its
application; seed 004: members "làm đúng quy trình, thủ tục để được tạm miễn"): the
member applies in writing, the cell considers and proposes, the committee decides. A
decision without an application proposed by the cell is refused."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.documents.services import allocate_number
from lienhe.members.models import Member
from lienhe.members.services import MemberError, update_member
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy

from .common import (
    AwayError,
    _cell_officers,
    _check_version,
    _member_user,
    _residence_cell_officers,
    _save,
    _tell_after_cell,
    base_committee,
    today,
)
from .models import AwayPeriod, Exemption, ExemptionApplication


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
    application: ExemptionApplication | None = None,
) -> Exemption:
    """The base committee decides a temporary exemption from party activities, on the
    member's application proposed by the cell (both recorded before, see the module)."""
    issued_on = issued_on or today()
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    org = member.organization
    application = _check_application(application, member, issued_on)
    away = away or application.away
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
    chain_months = int(effective_policy(org, "exemption_max_months", issued_on))
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
    application.exemption = ex
    application.status = ExemptionApplication.Status.DECIDED
    application.version += 1
    application.save(update_fields=["exemption", "status", "version"])
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
    if end_on > _add_months(chain_start, chain_months):
        # Back-to-back exemptions beyond 12 months: prompt a temporary transfer instead.
        notify(
            _cell_officers(org),
            kind="away.exemption_chain",
            title=_("%(name)s tạm miễn sinh hoạt liên tục quá %(n)s tháng")
            % {"name": member.full_name, "n": chain_months},
            body=_(
                "Các quyết định tạm miễn nối tiếp từ %(a)s đến %(b)s vượt %(n)s tháng: hãy xem xét "
                "giới thiệu sinh hoạt đảng tạm thời ở nơi đến thay vì tiếp tục tạm miễn."
            )
            % {
                "a": chain_start.strftime("%d/%m/%Y"),
                "b": end_on.strftime("%d/%m/%Y"),
                "n": chain_months,
            },
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


# ---------------------------------------------------------------- application, proposal


def _check_application(
    application: ExemptionApplication | None, member: Member, issued_on: dt.date
) -> ExemptionApplication:
    if application is None:
        raise AwayError(
            _(
                "Chưa có đơn xin tạm miễn của đảng viên và đề nghị của chi bộ: cấp ủy chỉ "
                "quyết định tạm miễn khi đã có đơn và đề nghị của chi bộ."
            )
        )
    application = ExemptionApplication.objects.select_for_update().get(pk=application.pk)
    if application.member_id != member.pk:
        raise AwayError(_("Đơn xin tạm miễn không phải của đảng viên này."))
    if application.status == ExemptionApplication.Status.SUBMITTED:
        raise AwayError(
            _("Đơn xin tạm miễn đang chờ chi bộ xem xét, đề nghị; cấp ủy chưa quyết định được.")
        )
    if application.status != ExemptionApplication.Status.PROPOSED:
        raise AwayError(_("Đơn xin tạm miễn này không còn chờ cấp ủy quyết định."))
    if issued_on < application.cell_proposed_on:
        raise AwayError(
            _("Ngày quyết định (%(d)s) không được trước ngày chi bộ đề nghị (%(p)s).")
            % {
                "d": issued_on.strftime("%d/%m/%Y"),
                "p": application.cell_proposed_on.strftime("%d/%m/%Y"),
            }
        )
    return application


def chain_warning(member: Member, start_on: dt.date, end_on: dt.date, on: dt.date) -> str:
    """The prompt shown on an application when, with the exemptions before it (each
    starting the day after the previous ends), the member would be exempt longer than
    `exemption_max_months`: a temporary transfer of party life fits better."""
    months = int(effective_policy(member.organization, "exemption_max_months", on))
    first = back_to_back_start(member, start_on)
    if end_on <= _add_months(first, months):
        return ""
    return _(
        "Tạm miễn liên tục từ %(a)s đến %(b)s là quá %(n)s tháng: hãy xem xét giới thiệu sinh "
        "hoạt đảng tạm thời ở nơi đến thay vì tiếp tục tạm miễn."
    ) % {"a": first.strftime("%d/%m/%Y"), "b": end_on.strftime("%d/%m/%Y"), "n": months}


def pending_application(member: Member) -> ExemptionApplication | None:
    """The member's application proposed by the cell and waiting for the decision."""
    return (
        ExemptionApplication.objects.filter(
            member=member, status=ExemptionApplication.Status.PROPOSED
        )
        .order_by("-cell_proposed_on", "-id")
        .first()
    )


@transaction.atomic
def apply_for_exemption(
    member: Member,
    *,
    actor,
    ground: str,
    start_on: dt.date,
    end_on: dt.date,
    reason: str,
    applied_on: dt.date | None = None,
    away: AwayPeriod | None = None,
) -> ExemptionApplication:
    """Record the member's written application (filed by the member, or by the cell from
    the paper đơn). The cell officers are told to consider it."""
    applied_on = applied_on or today()
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    org = member.organization
    if member.status not in (Member.Status.ACTIVE, Member.Status.EXEMPTED):
        raise AwayError(_("Đảng viên này không còn sinh hoạt tại chi bộ."))
    if not reason.strip():
        raise AwayError(_("Hãy ghi nội dung đơn (lý do, nguyện vọng của đảng viên)."))
    if ground not in exemption_grounds(org, applied_on):
        raise AwayError(_("Lý do tạm miễn không có trong danh mục quy định."))
    if end_on < start_on:
        raise AwayError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if applied_on > today():
        raise AwayError(_("Ngày làm đơn không được ở tương lai."))
    max_months = int(effective_policy(org, "exemption_max_months", applied_on))
    if end_on > _add_months(start_on, max_months):
        raise AwayError(
            _("Thời hạn tạm miễn không quá %(n)s tháng cho một lần quyết định.") % {"n": max_months}
        )
    if ExemptionApplication.objects.filter(
        member=member, status__in=ExemptionApplication.OPEN
    ).exists():
        raise AwayError(
            _("Đảng viên đã có một đơn xin tạm miễn đang chờ xem xét; hãy xử lý đơn đó trước.")
        )
    if away is None:
        away = (
            AwayPeriod.objects.filter(member=member, status=AwayPeriod.Status.APPROVED)
            .order_by("-start_on")
            .first()
        )
    app = ExemptionApplication.objects.create(
        member=member,
        organization=org,
        away=away,
        ground=ground,
        reason=reason.strip(),
        start_on=start_on,
        end_on=end_on,
        applied_on=applied_on,
        filed_by=actor,
    )
    log_action(
        app,
        "away.exemption.applied",
        actor=actor,
        organization_path=org.path,
        data={"member": member.pk, "from": start_on.isoformat(), "to": end_on.isoformat()},
    )
    notify(
        [u for u in _cell_officers(org) if u != actor],
        kind="away.exemption_applied",
        title=_("%(name)s làm đơn xin tạm miễn sinh hoạt") % {"name": member.full_name},
        body=_("Từ %(a)s đến %(b)s. Lý do: %(g)s. Chi bộ xem xét, đề nghị cấp ủy.")
        % {"a": start_on.strftime("%d/%m/%Y"), "b": end_on.strftime("%d/%m/%Y"), "g": ground},
        url=reverse("away:exemption_application", args=[app.pk]),
        dedupe_key=f"away.exemption_applied.{app.pk}",
    )
    return app


@transaction.atomic
def propose_exemption(
    app: ExemptionApplication,
    *,
    actor,
    agree: bool,
    opinion: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> ExemptionApplication:
    """The cell considers the application: proposes it to the committee, or not."""
    on = on or today()
    current = (
        ExemptionApplication.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=app.pk)
    )
    _check_version(current, expected_version)
    if current.status != ExemptionApplication.Status.SUBMITTED:
        raise AwayError(_("Chỉ xem xét được đơn đang chờ chi bộ."))
    if not opinion.strip():
        raise AwayError(_("Hãy ghi ý kiến của chi bộ."))
    if on < current.applied_on:
        raise AwayError(
            _("Ngày chi bộ đề nghị không được trước ngày làm đơn (%(d)s).")
            % {"d": current.applied_on.strftime("%d/%m/%Y")}
        )
    if on > today():
        raise AwayError(_("Ngày chi bộ đề nghị không được ở tương lai."))
    current.status = (
        ExemptionApplication.Status.PROPOSED if agree else ExemptionApplication.Status.NOT_PROPOSED
    )
    current.cell_opinion = opinion.strip()
    current.cell_proposed_on = on
    current.cell_by = actor
    _save(
        current,
        "away.exemption.proposed" if agree else "away.exemption.not_proposed",
        actor,
        None,
        data={"opinion": current.cell_opinion, "on": on.isoformat()},
    )
    _tell_after_cell(
        current,
        agree,
        reverse("away:exemption_application", args=[current.pk]),
        approve=(
            "away.exemption_proposed",
            _("Chi bộ đề nghị tạm miễn sinh hoạt: %(name)s") % {"name": current.member.full_name},
        ),
        back=("away.exemption_not_proposed", _("Chi bộ không đề nghị tạm miễn sinh hoạt")),
        key=str(current.pk),
    )
    return current
