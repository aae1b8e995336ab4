"""Business rules of the residence liaison: letters and their states, exemptions,
change of residence (here); the core (errors, locking, who to tell) in `services_base`,
groups, local tasks and the two-way thread in `services_groups`. Callers use this module
for all of them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.access.guards import check_org_perm
from lienhe.access.scoping import has_org_permission
from lienhe.audit.sealing import seal
from lienhe.audit.services import log_action
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy
from lienhe.summaries import hooks as summary_hooks

from .models import Introduction
from .selectors import workplace_base
from .services_base import LETTER_KIND as LETTER_KIND
from .services_base import LiaisonError as LiaisonError
from .services_base import StaleEdit as StaleEdit
from .services_base import State as State
from .services_base import _check_residence_org, _letter_url, _lock, _save, _today
from .services_base import member_user as member_user
from .services_base import officers_of as officers_of
from .services_base import propose_residence as propose_residence
from .services_base import system_event as system_event
from .services_groups import add_task as add_task
from .services_groups import create_group as create_group
from .services_groups import group_sizes as group_sizes
from .services_groups import post_message as post_message
from .services_groups import record_task_result as record_task_result
from .services_groups import sides_of as sides_of
from .services_groups import split_suggestion as split_suggestion

if TYPE_CHECKING:
    from lienhe.members.hooks import HomeChange

logger = logging.getLogger(__name__)


# --- letters -----------------------------------------------------------------------


@transaction.atomic
def create_letter(
    member: Member,
    *,
    workplace_org: Organization,
    residence_org: Organization,
    actor=None,
    previous: Introduction | None = None,
) -> Introduction:
    """A draft letter for a working member of `workplace_org`'s subtree."""
    if not member.is_working:
        raise LiaisonError(
            _("%(name)s không phải đảng viên đang công tác.") % {"name": member.full_name}
        )
    if member.status != Member.Status.ACTIVE:
        raise LiaisonError(
            _("%(name)s không ở tình trạng đang sinh hoạt.") % {"name": member.full_name}
        )
    if not member.organization.path.startswith(workplace_org.path):
        raise LiaisonError(
            _("%(name)s không sinh hoạt ở đảng bộ %(org)s.")
            % {"name": member.full_name, "org": workplace_org.name}
        )
    _check_residence_org(residence_org)
    intro = Introduction(
        member=member,
        workplace_org=workplace_org,
        residence_org=residence_org,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        previous=previous,
    )
    try:
        with transaction.atomic():
            intro.save()
    except IntegrityError:
        raise LiaisonError(
            _("%(name)s đã có giấy giới thiệu chưa kết thúc; hãy xem giấy đó.")
            % {"name": member.full_name}
        ) from None
    summary_hooks.changed("letters", [member.organization_id, residence_org.pk])
    log_action(
        intro,
        "liaison.letter.created",
        actor=actor,
        organization_path=workplace_org.path,
        data={"member": member.pk, "residence": residence_org.pk},
    )
    return intro


def letter_content(intro: Introduction) -> dict:
    """What may never change once a letter is issued (tamper-evident chain)."""
    return {
        "number": intro.number,
        "member": intro.member_id,
        "workplace_org": intro.workplace_org_id,
        "issued_on": intro.issued_on,
        "due_on": intro.due_on,
    }


def handin_deadline(intro: Introduction, issued_on: dt.date) -> dt.date:
    days = effective_policy(intro.workplace_org, "letter_handin_days", issued_on)
    return issued_on + dt.timedelta(days=int(days))


@transaction.atomic
def issue_letter(intro: Introduction, *, issued_on: dt.date | None = None, actor=None):
    """Draft → issued: number from the register, deadline from Policy."""
    from lienhe.documents.services import allocate_number

    intro = _lock(intro)
    if intro.state != State.DRAFT:
        raise LiaisonError(_("Chỉ cấp được giấy đang ở dạng dự thảo."))
    issued_on = issued_on or _today()
    if issued_on > _today():
        raise LiaisonError(_("Ngày cấp không được sau hôm nay."))
    doc = allocate_number(
        intro.workplace_org,
        kind=LETTER_KIND,
        symbol="GGT/ĐU",
        issued_on=issued_on,
        title=f"Giới thiệu đảng viên {intro.member.full_name} về sinh hoạt nơi cư trú",
        obj=intro,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    intro.document = doc
    intro.number = doc.display
    intro.issued_on = issued_on
    intro.due_on = handin_deadline(intro, issued_on)
    intro.state = State.ISSUED
    _save(intro, "issued", actor, {"number": intro.number, "due_on": intro.due_on.isoformat()})
    # An issued letter is an official paper: its number, holder and dates are sealed.
    seal(
        intro,
        letter_content(intro),
        organization=intro.workplace_org,
        year=issued_on.year,
        actor=actor,
    )
    system_event(
        intro,
        "issued",
        _("%(org)s cấp giấy giới thiệu số %(no)s ngày %(d)s; hạn nộp %(due)s.")
        % {
            "org": intro.workplace_org.name,
            "no": intro.number,
            "d": issued_on.strftime("%d/%m/%Y"),
            "due": intro.due_on.strftime("%d/%m/%Y"),
        },
    )
    from lienhe.notify.services import notify

    user = member_user(intro.member)
    if user:
        notify(
            [user],
            kind="liaison.issued",
            title=_("Bạn được giới thiệu về sinh hoạt nơi cư trú"),
            body=_("Hãy nộp giấy giới thiệu số %(no)s cho %(org)s chậm nhất ngày %(due)s.")
            % {
                "no": intro.number,
                "org": intro.residence_org.name,
                "due": intro.due_on.strftime("%d/%m/%Y"),
            },
            url=reverse("liaison:mine"),
            dedupe_key=f"liaison.issued:{intro.pk}",
        )
    notify(
        officers_of(intro.residence_org),
        kind="liaison.incoming",
        title=_("Có giấy giới thiệu đảng viên về nơi cư trú"),
        body=_("%(name)s (%(org)s) được giới thiệu về %(res)s.")
        % {
            "name": intro.member.full_name,
            "org": intro.workplace_org.name,
            "res": intro.residence_org.name,
        },
        url=_letter_url(intro),
        dedupe_key=f"liaison.incoming:{intro.pk}",
    )
    return intro


@transaction.atomic
def issue_letters(
    members: Iterable[Member],
    *,
    workplace_org: Organization,
    residence_for: dict[int, Organization],
    issued_on: dt.date | None = None,
    actor=None,
) -> list[Introduction]:
    """Create and issue one letter per member (all or nothing)."""
    letters = []
    for member in members:
        residence = residence_for.get(member.pk)
        if residence is None:
            raise LiaisonError(_("Hãy chọn nơi cư trú cho %(name)s.") % {"name": member.full_name})
        intro = create_letter(
            member, workplace_org=workplace_org, residence_org=residence, actor=actor
        )
        letters.append(issue_letter(intro, issued_on=issued_on, actor=actor))
    if not letters:
        raise LiaisonError(_("Hãy chọn ít nhất một đảng viên."))
    return letters


@transaction.atomic
def issue_letters_by_base(
    members: Iterable[Member],
    *,
    residence_for: dict[int, Organization],
    issued_on: dt.date | None = None,
    actor,
) -> list[Introduction]:
    """Issue letters for members of possibly several workplace base committees: each
    base issues its own members' letters (PermissionDenied without liaison:issue at one
    of them); all or nothing."""
    by_base: dict[int, tuple[Organization, list[Member]]] = {}
    for member in members:
        base = workplace_base(member)
        check_org_perm(actor, base, "liaison:issue")
        by_base.setdefault(base.pk, (base, []))[1].append(member)
    letters: list[Introduction] = []
    for base, group in by_base.values():
        letters += issue_letters(
            group,
            workplace_org=base,
            residence_for=residence_for,
            issued_on=issued_on,
            actor=actor,
        )
    return letters


def can_close(user, intro: Introduction) -> bool:
    """Either side's liaison:write may end the liaison (web and API)."""
    return has_org_permission(user, intro.workplace_org, "liaison:write") or has_org_permission(
        user, intro.residence_org, "liaison:write"
    )


def _check_date(day: dt.date, not_before: dt.date | None, label: str) -> None:
    if day > _today():
        raise LiaisonError(_("%(label)s không được sau hôm nay.") % {"label": label})
    if not_before and day < not_before:
        raise LiaisonError(
            _("%(label)s không được trước ngày cấp giấy (%(d)s).")
            % {"label": label, "d": not_before.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def confirm_handin(
    intro: Introduction,
    *,
    handed_in_on: dt.date,
    actor=None,
    expected_version: int | None = None,
) -> Introduction:
    """Issued → handed in: the residence side confirms receipt and its date."""
    intro = _lock(intro, expected_version)
    if intro.state != State.ISSUED:
        raise LiaisonError(_("Chỉ xác nhận nộp giấy cho giấy đã cấp và chưa nộp."))
    _check_date(handed_in_on, intro.issued_on, _("Ngày nộp giấy"))
    intro.handed_in_on = handed_in_on
    intro.state = State.HANDED_IN
    late = handed_in_on > intro.due_on if intro.due_on else False
    _save(intro, "handed_in", actor, {"on": handed_in_on.isoformat(), "late": late})
    system_event(
        intro,
        "handed_in",
        _("%(res)s xác nhận đảng viên đã nộp giấy ngày %(d)s%(late)s.")
        % {
            "res": intro.residence_org.name,
            "d": handed_in_on.strftime("%d/%m/%Y"),
            "late": _(" (chậm %(n)s ngày)") % {"n": (handed_in_on - intro.due_on).days}
            if late
            else "",
        },
    )
    return intro


@transaction.atomic
def accept_letter(
    intro: Introduction,
    *,
    cell: Organization,
    group: Organization | None = None,
    handed_in_on: dt.date | None = None,
    actor=None,
    expected_version: int | None = None,
) -> Introduction:
    """Handed in (or issued, confirming hand-in at once) → active in `cell`, optionally
    placed in a group of the cell."""
    intro = _lock(intro, expected_version)
    if intro.state == State.ISSUED:
        intro = confirm_handin(intro, handed_in_on=handed_in_on or _today(), actor=actor)
    if intro.state != State.HANDED_IN:
        raise LiaisonError(_("Chỉ tiếp nhận được giấy đã nộp và chưa tiếp nhận."))
    cell = Organization.objects.get(pk=cell.pk)
    if cell.kind != Organization.Kind.CELL or cell.side != Organization.Side.RESIDENCE:
        raise LiaisonError(_("Hãy chọn một chi bộ nơi cư trú để tiếp nhận."))
    if not cell.path.startswith(intro.residence_org.path):
        raise LiaisonError(
            _("Chi bộ %(cell)s không thuộc %(org)s, nơi giấy được gửi đến.")
            % {"cell": cell.name, "org": intro.residence_org.name}
        )
    _check_group(cell, group)
    left = intro.residence_org_id
    intro.residence_org = cell
    intro.group = group
    intro.state = State.ACTIVE
    intro.accepted_on = _today()
    _save(
        intro,
        "accepted",
        actor,
        {"cell": cell.pk, "group": group.pk if group else None},
        also=(left,),
    )
    text = _("%(cell)s tiếp nhận đảng viên") % {"cell": cell.name}
    if group:
        text += _(", xếp vào %(g)s") % {"g": group.name}
    system_event(intro, "accepted", text + ".")
    return intro


def _check_group(cell: Organization, group: Organization | None) -> None:
    if group is None:
        return
    if group.kind != Organization.Kind.GROUP or not group.path.startswith(cell.path):
        raise LiaisonError(_("Tổ đảng đã chọn không thuộc chi bộ %(c)s.") % {"c": cell.name})
    if not group.is_active:
        raise LiaisonError(_("Tổ đảng này đã giải thể."))


@transaction.atomic
def place_in_group(
    intro: Introduction, *, group: Organization | None, actor=None, expected_version=None
) -> Introduction:
    intro = _lock(intro, expected_version)
    if intro.state not in Introduction.LIVE_STATES or intro.cell is None:
        raise LiaisonError(_("Chỉ xếp tổ cho đảng viên đã được chi bộ tiếp nhận."))
    _check_group(intro.residence_org, group)
    old = intro.group
    intro.group = group
    _save(
        intro, "grouped", actor, {"from": old.pk if old else None, "to": getattr(group, "pk", None)}
    )
    system_event(
        intro,
        "grouped",
        _("Chi bộ xếp đảng viên vào %(g)s.") % {"g": group.name}
        if group
        else _("Chi bộ đưa đảng viên ra khỏi tổ."),
    )
    return intro


@transaction.atomic
def close_letter(
    intro: Introduction,
    *,
    reason: str,
    closed_on: dt.date | None = None,
    note: str = "",
    actor=None,
    expected_version: int | None = None,
) -> Introduction:
    intro = _lock(intro, expected_version)
    if intro.state == State.CLOSED:
        raise LiaisonError(_("Giấy này đã kết thúc."))
    if reason not in Introduction.ClosedReason.values:
        raise LiaisonError(_("Hãy chọn lý do kết thúc."))
    closed_on = closed_on or _today()
    _check_date(closed_on, intro.issued_on, _("Ngày kết thúc"))
    intro.state = State.CLOSED
    intro.closed_on = closed_on
    intro.closed_reason = reason
    intro.closed_note = note[:255]
    _save(intro, "closed", actor, {"reason": reason, "on": closed_on.isoformat()})
    system_event(
        intro,
        "closed",
        _("Kết thúc giữ mối liên hệ: %(r)s%(n)s.")
        % {"r": intro.get_closed_reason_display(), "n": f" — {note}" if note else ""},
    )
    return intro


@transaction.atomic
def set_exemption(
    intro: Introduction,
    *,
    group: str = "",
    reason: str = "",
    on: dt.date | None = None,
    actor=None,
    expected_version: int | None = None,
) -> Introduction:
    """Introduced, but exempted from residence activities: one of the four groups of
    Hướng dẫn 33-HD/BTCTW mục 1.1 (barracks, mobile/rotated staff, full-time study of 12
    months, students away); `reason` adds details."""
    from .models import RESIDENCE_EXEMPTION_GROUPS, ExemptionGroup

    intro = _lock(intro, expected_version)
    if intro.state in (State.CLOSED, State.EXEMPT):
        raise LiaisonError(_("Giấy này đã kết thúc hoặc đảng viên đã được miễn giới thiệu."))
    if group not in RESIDENCE_EXEMPTION_GROUPS:
        raise LiaisonError(
            _("Hãy chọn nhóm được miễn sinh hoạt nơi cư trú theo Hướng dẫn 33-HD/BTCTW mục 1.1.")
        )
    intro.exemption = Introduction.Exemption.RESIDENCE
    intro.exemption_group = group
    intro.exemption_reason = (reason.strip() or str(ExemptionGroup(group).label))[:255]
    intro.exempt_from = on or _today()
    _save(intro, "exempted", actor, {"group": group, "reason": intro.exemption_reason})
    system_event(
        intro,
        "exempted",
        _("Đảng viên được miễn sinh hoạt nơi cư trú: %(r)s.") % {"r": intro.exemption_reason},
    )
    return intro


@transaction.atomic
def lift_exemption(intro: Introduction, *, actor=None, expected_version=None) -> Introduction:
    intro = _lock(intro, expected_version)
    if intro.exemption != Introduction.Exemption.RESIDENCE or intro.state == State.CLOSED:
        raise LiaisonError(_("Đảng viên không đang được miễn sinh hoạt nơi cư trú."))
    intro.exemption = Introduction.Exemption.NONE
    intro.exempt_from = None
    _save(intro, "exemption_lifted", actor)
    system_event(intro, "exemption_lifted", _("Thôi miễn sinh hoạt nơi cư trú."))
    return intro


@transaction.atomic
def exempt_from_introduction(
    member: Member,
    *,
    workplace_org: Organization,
    residence_org: Organization,
    reason: str = "",
    group: str = "special_duty",
    on: dt.date | None = None,
    actor=None,
) -> Introduction:
    """Record that the member is exempted from introduction altogether (no letter):
    Hướng dẫn 33-HD/BTCTW mục 1.2 (forces on special duty). A draft letter is cancelled;
    an issued or live letter must be closed first."""
    from .models import INTRODUCTION_EXEMPTION_GROUPS

    if group not in INTRODUCTION_EXEMPTION_GROUPS:
        raise LiaisonError(_("Miễn giới thiệu chỉ áp dụng nhóm của Hướng dẫn 33-HD/BTCTW mục 1.2."))
    if not reason.strip():
        raise LiaisonError(_("Hãy ghi lý do miễn giới thiệu."))
    open_letter = Introduction.objects.open().filter(member=member).first()
    if open_letter is not None:
        if open_letter.state != State.DRAFT:
            raise LiaisonError(
                _("%(name)s đang có giấy giới thiệu; hãy kết thúc giấy đó với lý do “Được miễn”.")
                % {"name": member.full_name}
            )
        close_letter(open_letter, reason=Introduction.ClosedReason.CANCELLED, actor=actor)
    intro = create_letter(
        member, workplace_org=workplace_org, residence_org=residence_org, actor=actor
    )
    intro.state = State.EXEMPT
    intro.exemption = Introduction.Exemption.INTRODUCTION
    intro.exemption_group = group
    intro.exemption_reason = reason.strip()[:255]
    intro.exempt_from = on or _today()
    _save(intro, "exempted_from_introduction", actor, {"reason": intro.exemption_reason})
    system_event(
        intro,
        "exempted",
        _("Đảng viên được miễn giới thiệu về nơi cư trú: %(r)s.") % {"r": intro.exemption_reason},
    )
    return intro


@transaction.atomic
def change_residence(
    intro: Introduction,
    *,
    new_residence_org: Organization,
    issue: bool = True,
    actor=None,
    expected_version: int | None = None,
) -> Introduction:
    """The member moved: the old liaison closes (moved) and a new letter is proposed
    (issued at once when `issue`). Both stay in the history, linked by `previous`."""
    old = _lock(intro, expected_version)
    if old.state == State.CLOSED:
        raise LiaisonError(_("Giấy này đã kết thúc."))
    if new_residence_org.pk == old.residence_org_id:
        raise LiaisonError(_("Nơi cư trú mới trùng với nơi cư trú hiện tại."))
    _check_residence_org(new_residence_org)
    close_letter(
        old,
        reason=Introduction.ClosedReason.MOVED,
        note=_("chuyển về %(org)s") % {"org": new_residence_org.name},
        actor=actor,
    )
    new = create_letter(
        old.member,
        workplace_org=old.workplace_org,
        residence_org=new_residence_org,
        actor=actor,
        previous=old,
    )
    if issue:
        new = issue_letter(new, actor=actor)
    return new


def on_member_moved(member: Member, *, actor=None) -> Introduction | None:
    """Called when a member's home changes: close the open liaison and propose (draft)
    a letter to the new residence. Returns the new draft, or None if nothing to do."""
    current = Introduction.objects.open().filter(member=member).first()
    if current is None or current.state == State.EXEMPT:
        return None
    proposal = propose_residence(member)
    if proposal is None or proposal.pk == current.residence_org_id:
        return None
    if current.cell and proposal.kind == Organization.Kind.BASE:
        if current.residence_org.path.startswith(proposal.path):
            return None  # same commune, the address did not name another cell
    return change_residence(current, new_residence_org=proposal, issue=False, actor=actor)


def follow_moves(changes: list[HomeChange], *, actor=None) -> None:
    """Hook `lienhe.members.hooks.on_home_changed`: for each working member whose home
    changed and who holds an open letter, close the old liaison (moved) and draft a
    letter to the new residence. Called the same way by the member form, the API and
    the importer (in bulk: one query finds the members with an open letter). A move
    that cannot be followed is logged and stays recorded on the member."""
    members = [c.member for c in changes if c.member.is_working]
    if not members:
        return
    with_letter = set(
        Introduction.objects.open()
        .filter(member__in=[m.pk for m in members])
        .values_list("member_id", flat=True)
    )
    for member in members:
        if member.pk not in with_letter:
            continue
        try:
            with transaction.atomic():
                draft = on_member_moved(member, actor=actor)
        except LiaisonError as exc:
            logger.warning("liaison: could not follow move of member %s: %s", member.pk, exc)
            continue
        if draft is not None:
            system_event(
                draft,
                "moved",
                _("Hồ sơ đảng viên đổi nơi cư trú; đã kết thúc giấy cũ và lập dự thảo giấy mới."),
            )
