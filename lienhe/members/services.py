"""Member write operations: create, update (no lost updates), follow tree merges."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import apply_changes, lock_checked
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks

from . import hooks
from .models import Member


class MemberError(Exception):
    """A member change the rules forbid; the message is for the user."""


class StaleEdit(MemberError):
    pass


def _check_home(org: Organization) -> None:
    if org.kind not in (Organization.Kind.CELL, Organization.Kind.BASE):
        raise MemberError(_("Đảng viên phải sinh hoạt tại một chi bộ (hoặc đảng bộ cơ sở)."))
    if not org.is_active:
        raise MemberError(_("Tổ chức đảng này đã giải thể hoặc hợp nhất."))


@transaction.atomic
def create_member(*, actor=None, **fields: Any) -> Member:
    _check_home(fields["organization"])
    member = Member(**fields)
    member.full_clean()
    member.save()
    summary_hooks.members_changed([member.organization_id])  # issue 21
    log_action(
        member,
        "members.member.created",
        actor=actor,
        organization_path=member.organization.path,
        data={"name": member.full_name},
    )
    return member


@transaction.atomic
def update_member(member: Member, *, expected_version: int, actor=None, **fields: Any) -> Member:
    current = lock_checked(
        Member.objects.select_related("organization"),
        member.pk,
        expected_version,
        StaleEdit(
            _(
                "Hồ sơ này vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất "
                "rồi sửa lại; những gì bạn vừa nhập vẫn còn trên biểu mẫu."
            )
        ),
    )
    if "organization" in fields and fields["organization"].pk != current.organization_id:
        _check_home(fields["organization"])
    old_home = hooks.home_of(current)
    old_org = current.organization_id
    changed = apply_changes(current, fields)
    if not changed:
        return current
    current.full_clean()
    current.version += 1
    current.save()
    summary_hooks.members_changed([old_org, current.organization_id])  # issue 21
    log_action(
        current,
        "members.member.updated",
        actor=actor,
        organization_path=current.organization.path,
        data=changed,
    )
    hooks.home_changed(hooks.home_changes([(old_home, current)]), actor=actor)
    return current


def move_members_on_merge(sender, *, source: Organization, target: Organization, actor=None, **kw):
    """Receiver of `organization_merged`: the survivor takes the merged cell's members.
    One UPDATE, and one history row per member so their record shows the move."""
    members = list(Member.objects.filter(organization=source))
    moved = Member.objects.filter(pk__in=[m.pk for m in members]).update(
        organization=target, version=F("version") + 1
    )
    for member in members:
        member.organization = target
        member.version += 1
    user = actor if getattr(actor, "is_authenticated", False) else None
    Member.history.bulk_history_create(
        members,
        update=True,
        default_user=user,
        default_change_reason=_("Hợp nhất chi bộ %(name)s") % {"name": source.name},
    )
    if moved:
        log_action(
            target,
            "members.members.moved_on_merge",
            actor=actor,
            organization_path=target.path,
            data={"from": source.pk, "count": moved},
        )


def block_dissolve_with_members(org: Organization) -> str | None:
    active = Member.objects.in_subtree(org).filter(status=Member.Status.ACTIVE).count()
    if active:
        return _("Còn %(n)s đảng viên đang sinh hoạt; hãy chuyển sinh hoạt trước khi giải thể.") % {
            "n": active
        }
    return None
