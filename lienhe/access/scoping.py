"""The one place that decides what a user may see. Every queryset shown to a user
goes through a `visible_*` function here (via `Model.objects.visible_to(user)`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .permissions import ROLE_PERMISSIONS


@dataclass(frozen=True)
class Grant:
    path: str
    role: str
    organization_id: int


def grants(user) -> list[Grant]:
    """The user's roles, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_lienhe_grants", None)
    if cached is None:
        cached = [
            Grant(path, role, org_id)
            for path, role, org_id in user.roles.filter(organization__is_active=True).values_list(
                "organization__path", "role", "organization_id"
            )
        ]
        user._lienhe_grants = cached
    return cached


def paths_with(user, perm: str) -> list[str]:
    """Subtree roots where the user holds `perm`, without nested duplicates."""
    paths = sorted({g.path for g in grants(user) if perm in ROLE_PERMISSIONS.get(g.role, ())})
    roots: list[str] = []
    for path in paths:
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def has_perm_anywhere(user, perm: str) -> bool:
    return bool(getattr(user, "is_superuser", False) or paths_with(user, perm))


def has_org_permission(user, org, perm: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(org.path.startswith(root) for root in paths_with(user, perm))


def subtree_q(paths: list[str], field: str = "path") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def visible_organizations(user, qs: QuerySet) -> QuerySet:
    if getattr(user, "is_superuser", False):
        return qs
    q = subtree_q(paths_with(user, "orgs:read"))
    member = getattr(user, "member", None) if getattr(user, "member_id", None) else None
    if member is not None:
        q |= Q(pk=member.organization_id)
    return qs.filter(q)


# Narrow cross-tree windows (e.g. the residence cell sees introduced members'
# liaison cards). Each callable returns a Q on Member for this user.
member_windows: list[Callable[[object], Q]] = []


def visible_members(user, qs: QuerySet) -> QuerySet:
    if getattr(user, "is_superuser", False):
        return qs
    q = subtree_q(paths_with(user, "members:read"), "organization__path")
    if getattr(user, "member_id", None):
        q |= Q(pk=user.member_id)
    for window in member_windows:
        q |= window(user)
    return qs.filter(q)


def member_dossier_allowed(user, member) -> bool:
    """Full dossier: in a members:read subtree, or the member themself. A cross-tree
    window shows only the liaison card."""
    if getattr(user, "is_superuser", False) or user.member_id == member.pk:
        return True
    return has_org_permission(user, member.organization, "members:read")


def scope_roots(user, perm: str):
    """The top organizations of the user's scope for `perm` (all roots for a superuser)."""
    from lienhe.orgs.models import Organization

    if getattr(user, "is_superuser", False):
        return Organization.objects.filter(depth=1)
    return Organization.objects.filter(path__in=paths_with(user, perm))
