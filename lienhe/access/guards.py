"""View guards: 404 outside the user's scope, 403 for a missing right."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .scoping import has_org_permission, has_perm_anywhere, scope_signature


def require_perm(perm: str):
    """The user must hold `perm` somewhere; object checks come after."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_perm_anywhere(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm  # read by the permission-matrix test
        return wrapped

    return decorator


def get_visible_or_404(visible: QuerySet, **lookup):
    return get_object_or_404(visible, **lookup)


def get_in_scope_or_404(name: str, user, build: Callable[[int], QuerySet], pk: int):
    """The object `build(pk)` finds (the user's visible queryset filtered by `pk`), or
    404; its SQL compiled once per `name` and user scope (`prepared_in_scope`). For the
    fetch every detail page of a kind starts with; `build` must use subqueries only."""
    from lienhe.prepared import prepared_in_scope

    rows = prepared_in_scope(name, scope_signature(user), build, pk)
    if not rows:
        raise Http404
    return rows[0]


def check_org_perm(user, org, perm: str) -> None:
    if not has_org_permission(user, org, perm):
        raise PermissionDenied
