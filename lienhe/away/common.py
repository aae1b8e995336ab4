"""Shared helpers of the away module: the error types, today, the committees and
officers concerned, version checks, row locks and the post-write step (`_save`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.models import User
from lienhe.access.permissions import ROLE_PERMISSIONS
from lienhe.access.scoping import has_org_permission
from lienhe.audit.services import log_action
from lienhe.concurrency import check_version
from lienhe.members.models import Member
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks


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


def _save(obj, action: str, actor, family: str | None, data: dict | None = None, orgs=None):
    """The post-write step of every away change: bump the version, save, recount the
    summary `family` of `orgs` (default: the record's organization; None family: the
    record counts in none) and write the audit row."""
    obj.version += 1
    obj.save()
    if family:
        summary_hooks.changed(family, orgs or [obj.organization_id])  # issue 21
    log_action(obj, action, actor=actor, organization_path=obj.organization.path, data=data)
    return obj


def _tell_after_cell(current, agree: bool, url: str, *, approve: tuple, back: tuple, key: str):
    """After the cell has considered a report or an application: tell the base
    committee's approvers (`agree`) or the member; `approve`/`back` are (kind, title),
    the notice is deduplicated on `<kind>.<key>`."""
    if agree:
        users = officers(base_committee(current.organization), "away:approve", exact_depth=True)
    else:
        users = [_member_user(current.member)]
    kind, title = approve if agree else back
    notify(
        users,
        kind=kind,
        title=title,
        body=current.cell_opinion,
        url=url,
        dedupe_key=f"{kind}.{key}",
    )
