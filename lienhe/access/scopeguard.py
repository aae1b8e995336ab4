"""A test-time guard against unscoped queries (in the spirit of django-scopes).

While a view or API handler runs (`ScopeGuardMiddleware` marks the request), a SELECT
on a *scoped* model (one whose manager has `visible_to`) with no WHERE clause at all
(`Model.objects.all()`, `.count()`, an unfiltered iteration) raises `UnscopedQuery`
for a signed-in user who is not a superuser: such a query reads every organization's
rows, and what the user sees must come from `visible_to(user)`, `in_subtree(org)` or
another filter. A query that is global on purpose runs inside `with unscoped():`.

The guard is installed by the test suite only (`install()` patches Django's SQL
compiler once; `tests/conftest.py` adds the middleware for the whole session); in
production the module is never imported.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from functools import cache

_request: contextvars.ContextVar = contextvars.ContextVar("lienhe_scope_request", default=None)
_allowed: contextvars.ContextVar[int] = contextvars.ContextVar("lienhe_scope_allowed", default=0)
_installed = False


class UnscopedQuery(AssertionError):
    """A scoped model was read without any filter during a request."""


class ScopeGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextmanager
def unscoped():
    """Allow unfiltered queries of scoped models inside the block (global on purpose)."""
    token = _allowed.set(_allowed.get() + 1)
    try:
        yield
    finally:
        _allowed.reset(token)


@cache
def is_scoped(model) -> bool:
    manager = getattr(model, "_default_manager", None)
    return manager is not None and hasattr(manager, "visible_to")


def check(query) -> None:
    request = _request.get()
    if request is None or _allowed.get():
        return
    model = query.model
    if model is None or query.where or not is_scoped(model):
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_superuser:
        return
    raise UnscopedQuery(
        f"Unscoped query of {model._meta.label} during {request.method} {request.path}: "
        "filter it (visible_to(user), in_subtree(org), …) or wrap a global read in "
        "lienhe.access.scopeguard.unscoped()."
    )


def install() -> None:
    """Patch the SELECT compiler once so every executed query passes `check`."""
    global _installed
    if _installed:
        return
    from django.db.models.sql.compiler import SQLCompiler

    original = SQLCompiler.execute_sql

    def execute_sql(self, *args, **kwargs):
        if type(self) is SQLCompiler:  # SELECT only, not INSERT/UPDATE/DELETE
            check(self.query)
        return original(self, *args, **kwargs)

    SQLCompiler.execute_sql = execute_sql
    _installed = True
