"""The one place that decides what a user may see. Every queryset shown to a user
goes through a `visible_*` function here (via `Model.objects.visible_to(user)`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

import lienhe.anyof  # noqa: F401  (registers the any_of lookup used below)

from .permissions import ROLE_PERMISSIONS

if TYPE_CHECKING:
    from lienhe.orgs.models import Organization


@dataclass(frozen=True)
class Grant:
    path: str
    role: str
    organization_id: int
    # The organization itself, read with the role: the pages that need the scope's
    # top organizations (home, red flags, away, today's tasks) take them from here
    # instead of one query each (issue 21).
    organization: Organization | None = field(default=None, compare=False, repr=False)


def grants(user) -> list[Grant]:
    """The user's roles in active organizations, cached on the user object for the
    request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_lienhe_grants", None)
    if cached is None:
        from lienhe.orgs.models import Organization

        cached = user._lienhe_grants = [
            Grant(org.path, org._grant_role, org.pk, org)
            for org in Organization.objects.raw(_grants_sql(), [user.pk])
        ]
    return cached


@functools.cache
def _grants_sql() -> str:
    """Every signed-in page reads the grants: as one raw statement the organizations
    come back as model instances without the ORM building the join of
    `user.roles.filter(organization__is_active=True).select_related("organization")`
    anew each time (0,9 ms of Python against 0,3 ms of SQL; issue 21, session 8)."""
    from django.db import connection

    from lienhe.orgs.models import Organization

    from .models import Role

    qn = connection.ops.quote_name
    org = Organization._meta
    columns = ", ".join(f"o.{qn(f.column)}" for f in org.concrete_fields)
    role = Role._meta
    return (
        f"SELECT {columns}, r.{qn(role.get_field('role').column)} AS {qn('_grant_role')}"
        f" FROM {qn(role.db_table)} r INNER JOIN {qn(org.db_table)} o"
        f" ON o.{qn(org.pk.column)} = r.{qn(role.get_field('organization').column)}"
        f" WHERE r.{qn(role.get_field('user').column)} = %s"
        f" AND o.{qn(org.get_field('is_active').column)}"
    )


def scope_organizations(user, perm: str) -> list[Organization]:
    """The organizations at `paths_with(user, perm)`, in path order, without a query
    (read with the grants). Not for a superuser, whose scope has no grant."""
    by_path = {g.path: g.organization for g in grants(user)}
    return [by_path[path] for path in paths_with(user, perm)]


def scope_signature(user) -> tuple:
    """What a visibility filter built for `user` can depend on, as a hashable value:
    the user, superuser or not, their member record, their roles with the paths and
    kinds of the organizations, and today's date (`lienhe.prepared.prepared_in_scope`)."""
    from django.utils import timezone

    return (
        getattr(user, "pk", None),
        bool(getattr(user, "is_superuser", False)),
        getattr(user, "member_id", None),
        tuple(sorted((g.path, g.role, g.organization.kind) for g in grants(user))),
        timezone.localdate(),
    )


def paths_with(user, perm: str) -> list[str]:
    """Subtree roots where the user holds `perm`, without nested duplicates. Kept with
    the grants it was read from: a page asks this for the menu, the panels and the
    list some 50 times (1 ms of a 14 ms list page; issue 21, session 11)."""
    user_grants = grants(user)
    memo = getattr(user, "_lienhe_paths", None)
    if memo is None or memo[0] is not user_grants:
        memo = (user_grants, {})
        if user_grants:  # no grants (anonymous, no user): nothing to keep them with
            user._lienhe_paths = memo
    roots = memo[1].get(perm)
    if roots is None:
        roots = memo[1][perm] = _roots(
            {g.path for g in user_grants if perm in ROLE_PERMISSIONS.get(g.role, ())}
        )
    return list(roots)


def _roots(paths: set[str]) -> list[str]:
    roots: list[str] = []
    for path in sorted(paths):
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


def below_province(paths: list[str]) -> bool:
    """True when every one of `paths` (at least one) lies below a province (a commune,
    a cell): a scope of thousands of rows, not of the whole table. Queries read such a
    scope from the indexes first (`lienhe.anyof`), a province's from the table."""
    from lienhe.orgs.models import Organization

    return bool(paths) and all(len(path) > Organization.steplen for path in paths)


def ids_in(paths: list[str], field: str, ids: QuerySet) -> Q:
    """`field` among `ids` (a one-column queryset) for a scope at `paths`, as one branch
    of an OR: read from the index below a province (`lienhe.anyof`), as a hashed
    subquery for a province."""
    return Q(**{f"{field}__any_of" if below_province(paths) else f"{field}__in": ids})


def in_subtree_ids(paths: list[str], field: str) -> Q:
    """`field` (a foreign key to Organization) among the ids of the organizations in
    the subtrees of `paths` (`ids_in`: from the index below a province, a hashed set
    for a province)."""
    from lienhe.orgs.models import Organization

    return ids_in(paths, field, Organization.objects.filter(subtree_q(paths, "path")).values("pk"))


def in_subtrees(paths: list[str], field: str) -> Q:
    """`field` (a foreign key to Organization) within the subtrees of `paths`: a join on
    the path for a province, the organizations' ids looked up first below it."""
    if below_province(paths):
        return in_subtree_ids(paths, field)
    return subtree_q(paths, f"{field}__path")


def visible_members(user, qs: QuerySet) -> QuerySet:
    if getattr(user, "is_superuser", False):
        return qs
    # Members are listed in name order: a province's scope as a hashed set of its
    # organizations' ids lets PostgreSQL walk the name index and test each member
    # against that set, where a join on the path (`in_subtrees`) tried ~1.300
    # organizations per member (a province's first page 5,4 -> 1,3 ms of SQL at 100k;
    # issue 21, session 11).
    q = in_subtree_ids(paths_with(user, "members:read"), "organization")
    if getattr(user, "member_id", None):
        q |= Q(pk=user.member_id)
    for window in member_windows:
        q |= window(user)
    return qs.filter(q)


# The field-level rule for a member record (issue 15, finding 2). Every output of
# member data (the member page and list, the Excel/CSV export, the full export, the
# API, PDFs) asks `member_fields_for` which fields it may show; there is no second
# list. The liaison card is what a cross-tree window (e.g. the residence cell of an
# introduced working member) shows: name, card number, phone, workplace, the cell the
# member belongs to and the status (DESIGN.md section 5 "Access").
MEMBER_CARD_FIELDS: frozenset[str] = frozenset(
    {"card_number", "full_name", "phone", "is_working", "employer", "organization", "status"}
)
MEMBER_DOSSIER_ONLY_FIELDS: frozenset[str] = frozenset(
    {
        "birth_date",
        "gender",
        "ethnicity",
        "citizen_id",
        "email",
        "home_address",
        "home_unit",
        "joined_on",
        "official_on",
    }
)
MEMBER_DOSSIER_FIELDS: frozenset[str] = MEMBER_CARD_FIELDS | MEMBER_DOSSIER_ONLY_FIELDS


def member_fields_at(user, member_id: int, organization_path: str) -> frozenset[str]:
    """The member fields `user` may see for the member `member_id` of the organization
    at `organization_path`: the full dossier in a members:read subtree or for the
    member themself, otherwise (a cross-tree window) only the liaison card. Takes the
    bare id and path so bulk exports can ask without loading organizations."""
    if getattr(user, "is_superuser", False) or getattr(user, "member_id", None) == member_id:
        return MEMBER_DOSSIER_FIELDS
    if any(organization_path.startswith(root) for root in paths_with(user, "members:read")):
        return MEMBER_DOSSIER_FIELDS
    return MEMBER_CARD_FIELDS


def member_fields_for(user, member) -> frozenset[str]:
    """`member_fields_at` for a loaded member (its organization is read)."""
    return member_fields_at(user, member.pk, member.organization.path)


def member_dossier_allowed(user, member) -> bool:
    """Full dossier: in a members:read subtree, or the member themself. A cross-tree
    window shows only the liaison card (see `member_fields_for`)."""
    return member_fields_for(user, member) == MEMBER_DOSSIER_FIELDS


def scope_roots(user, perm: str) -> list[Organization]:
    """The top organizations of the user's scope for `perm`, in path order (all
    top-level organizations for a superuser)."""
    from lienhe.orgs.models import Organization

    if getattr(user, "is_superuser", False):
        return list(Organization.objects.filter(depth=1).order_by("path"))
    return scope_organizations(user, perm)
