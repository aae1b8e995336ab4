"""Request parameters shared by every view and API handler, one answer each:

- `year_param(request)`: `?year=` within YEAR_MIN..YEAR_MAX, else the current year
  (a malformed or absurd year is never a server error);
- `report_org(request, perm)` / `report_org_for(user, org_id, perm)`: the organization
  a report is about; `?org=` outside the user's visible tree (or malformed) is 404,
  visible without `perm` there is 403, no `?org=` gives the top of the scope.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404
from django.utils import timezone

from lienhe.orgs.models import Organization

from .guards import check_org_perm
from .scoping import scope_roots

YEAR_MIN = 2000
YEAR_MAX = 2100


def year_param(request, name: str = "year", *, default: int | None = None) -> int:
    """`?<name>=` as a year in YEAR_MIN..YEAR_MAX; anything else gives `default` (the
    current year when not given)."""
    raw = str(request.GET.get(name, "") or "").strip()
    if raw.isdigit() and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    return default if default is not None else timezone.localdate().year


def report_org_for(user, org_id, perm: str, *, kinds: Iterable[str] | None = None) -> Organization:
    """The organization a report is about: `org_id` when given (404 when malformed,
    outside the user's visible tree or not one of `kinds`), else the top of the user's
    scope for `perm`; 403 without `perm` at the organization."""
    kinds = list(kinds) if kinds is not None else None
    org_id = str(org_id or "").strip()
    if org_id:
        if not org_id.isdigit():
            raise Http404
        visible = Organization.objects.visible_to(user)
        if kinds is not None:
            visible = visible.filter(kind__in=kinds)
        org = visible.filter(pk=int(org_id)).first()
    else:
        roots = scope_roots(user, perm)
        if kinds is not None:
            roots = roots.filter(kind__in=kinds)
        org = roots.order_by("depth", "path").first()
    if org is None:
        raise Http404
    check_org_perm(user, org, perm)
    return org


def report_org(
    request, perm: str, *, param: str = "org", kinds: Iterable[str] | None = None
) -> Organization:
    """`report_org_for` with the `?org=` parameter of the request."""
    return report_org_for(request.user, request.GET.get(param, ""), perm, kinds=kinds)
