"""Small view helpers shared by the visits views."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lienhe.access.guards import get_visible_or_404
from lienhe.access.requests import year_param
from lienhe.access.scoping import has_org_permission
from lienhe.orgs.models import Organization

from .models import Committee, Visit


def visible_committees(user):
    return Committee.objects.visible_to(user).select_related("organization")


COMMITTEE_ORDER = ("organization__depth", "-term_start", "pk")


def committee_choices(user) -> list[Committee]:
    """The committee picker of the plan and compliance pages: the first 50 visible."""
    return list(visible_committees(user).order_by(*COMMITTEE_ORDER)[:50])


def pick_committee(request, choices: list[Committee] | None = None) -> Committee | None:
    """The committee chosen by ?committee=, else the user's first visible one. With the
    page's `choices` (`committee_choices`) already read, taken from them when there
    (one query less per page, issue 21)."""
    qs = visible_committees(request.user)
    pk = request.GET.get("committee")
    if pk and pk.isdigit():
        if choices is not None:
            chosen = next((c for c in choices if c.pk == int(pk)), None)
            if chosen is not None:
                return chosen
        chosen = qs.filter(pk=int(pk)).first()
        if chosen is not None:
            return chosen
    if choices is not None:
        return choices[0] if choices else None
    return qs.order_by(*COMMITTEE_ORDER).first()


def pick_year(request) -> int:
    return year_param(request)


def pick_month(request) -> tuple[int, int]:
    value = request.GET.get("month", "")
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in value.split("-"))
        dt.date(year, month, 1)
    except (ValueError, TypeError):
        return today.year, today.month
    return year, month


def can_manage(user, committee: Committee) -> bool:
    return has_org_permission(user, committee.organization, "visits:manage")


def require_manage(user, committee: Committee) -> None:
    if not can_manage(user, committee):
        raise PermissionDenied


def get_committee(request, pk: int) -> Committee:
    return get_visible_or_404(visible_committees(request.user), pk=pk)


def get_visit(request, pk: int) -> Visit:
    return get_visible_or_404(
        Visit.objects.visible_to(request.user).select_related(
            "cell", "committee_member__committee__organization", "committee_member__user"
        ),
        pk=pk,
    )


def can_act_on_visit(user, visit: Visit) -> bool:
    """The committee member themself (with visits:write), or the organization board."""
    cm = visit.committee_member
    if (
        cm.user_id
        and cm.user_id == user.pk
        and (
            user.is_superuser
            or has_org_permission(user, visit.cell, "visits:write")
            or has_org_permission(user, cm.committee.organization, "visits:write")
        )
    ):
        return True
    return can_manage(user, cm.committee)


def parents_of(cells) -> dict[int, Organization]:
    """{cell_id: parent organization} for a page of cells (one query)."""
    paths = {c.path[: -c.steplen] for c in cells if len(c.path) > c.steplen}
    parents = {o.path: o for o in Organization.objects.filter(path__in=paths)}
    return {c.pk: parents.get(c.path[: -c.steplen]) for c in cells}


def units_under(committee: Committee):
    root = committee.organization
    return (
        Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1)
        .exclude(kind=Organization.Kind.CELL)
        .order_by("path")
    )
