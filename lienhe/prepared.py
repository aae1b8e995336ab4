"""Querysets compiled once per process: `@prepared` (issue 21).

A page that runs a dozen small queries (the member dossier: six modules' sections)
spends more time in Django building and compiling each queryset — filters, annotations,
`select_related`, eight filtered counts — than PostgreSQL spends running it. A function
decorated with `@prepared` builds its queryset from plain arguments (`int`, `str`,
`datetime.date`, annotated) and is called like any function; it returns the list of rows
(model instances, dicts or tuples, as the queryset gives them). The first call builds
and compiles the queryset twice, with two sets of stand-in values, and keeps the SQL;
later calls put the arguments in the parameters' places and run that SQL through
Django's own compiler state (the same rows, instances, `select_related` objects and
query logging as the queryset itself).

The builder must depend on its arguments only: a value it computes itself (today's
date, the time) would be frozen by the first call, so pass it in. Comparing the two
compilations catches an argument the ORM transforms (`created_at__year=year`), a
parameter that changes on its own (`timezone.now()`) and SQL that depends on a value;
such a builder raises `NotPreparable` on its first call (the tests run every one)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import inspect
import threading
import typing

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

__all__ = ["NotPreparable", "prepared", "prepared_in_scope"]

PREPARED: list = []  # every decorated function (tests/test_prepared.py compiles each)


class NotPreparable(Exception):
    """The builder's SQL cannot be reused with other arguments (see the module doc)."""


# Two stand-ins per supported type and argument position, unlikely in a query itself
# (a constant equal to one would differ from the other: `NotPreparable`), integers
# within the range of a positive small integer column (Django drops an out-of-range
# integer lookup from the SQL) and of a year.
def _stand_in(kind: type, index: int, which: int):
    if kind is int:
        return 3_011 + 10 * index + which
    if kind is dt.date:
        return dt.date(1001 + 2 * index + which, 3, 17)
    if kind is str:
        return f"\x1elienhe-prepared-{index}-{which}\x1e"
    raise TypeError(f"@prepared: unsupported argument type {kind!r}")


class _Compiled:
    def __init__(self, queryset: QuerySet, compiler, sql: str, params: tuple, places):
        self.queryset, self.compiler, self.sql = queryset, compiler, sql
        # places: [(param index, argument index, the parameter's type)]
        self.params, self.places = params, places

    def rows(self, args: tuple) -> list:
        params = list(self.params)
        connection = connections[self.queryset.db]
        for at, arg, kind in self.places:
            value = _adapt(args[arg], connection)
            # The backend's own wrapper where it has one (psycopg's Int2 for a small
            # integer column).
            params[at] = value if type(value) is kind else kind(value)
        queryset = self.queryset._chain()
        db = queryset.db
        compiler = copy.copy(self.compiler)
        compiler.connection, compiler.using = connections[db], db
        compiler.as_sql = lambda *a, **k: (self.sql, tuple(params))
        # `_chain()` gave the queryset its own Query: it alone answers with this compiler.
        queryset.query.get_compiler = lambda *a, **k: compiler
        return list(queryset)


def _compile(queryset: QuerySet):
    if not isinstance(queryset, QuerySet):
        raise NotPreparable(f"the builder returned {type(queryset).__name__}, not a QuerySet")
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


def prepared(build):
    """Decorator: see the module doc. `build(*args)` returns a QuerySet; the decorated
    function returns `list(build(*args))`, compiled once per process."""
    hints = typing.get_type_hints(build)
    names = list(inspect.signature(build).parameters)
    kinds = [hints[name] for name in names]
    lock = threading.Lock()
    state: dict[str, _Compiled] = {}

    def compiled() -> _Compiled:
        if "c" in state:
            return state["c"]
        with lock:
            if "c" not in state:
                state["c"] = _prepare(build, kinds)
            return state["c"]

    @functools.wraps(build)
    def run(*args):
        # Exact types only (a datetime is not a date, a bool not an int: other SQL);
        # anything else is built and compiled as usual (the same rows, slower).
        if len(args) != len(kinds) or any(
            type(a) is not k for a, k in zip(args, kinds, strict=False)
        ):
            return list(build(*args))
        return compiled().rows(args)

    run.build, run.kinds = build, kinds
    PREPARED.append(run)
    return run


def _adapt(value, connection):
    """An argument as the backend's parameters hold it (SQLite: a date as text)."""
    if type(value) is dt.date:
        return connection.ops.adapt_datefield_value(value)
    return value


def _prepare(build, kinds: list[type]) -> _Compiled:
    first_args = [_stand_in(k, i, 0) for i, k in enumerate(kinds)]
    second_args = [_stand_in(k, i, 1) for i, k in enumerate(kinds)]
    queryset = build(*first_args)
    compiler, sql, params = _compile(queryset)
    _, sql2, params2 = _compile(build(*second_args))
    first = [_adapt(a, compiler.connection) for a in first_args]
    second = [_adapt(a, compiler.connection) for a in second_args]
    if sql != sql2 or len(params) != len(params2):
        raise NotPreparable(f"{build.__qualname__}: the SQL depends on the arguments")
    places = []
    for at, (a, b) in enumerate(zip(params, params2, strict=True)):
        arg = next((i for i, s in enumerate(first) if isinstance(a, type(s)) and a == s), None)
        if arg is None:
            if a != b:
                raise NotPreparable(
                    f"{build.__qualname__}: parameter {at} ({a!r}) is not an argument as given"
                )
            continue
        if b != second[arg]:
            raise NotPreparable(f"{build.__qualname__}: parameter {at} moved between arguments")
        places.append((at, arg, type(a)))
    missing = set(range(len(kinds))) - {arg for _, arg, _kind in places}
    if missing:
        raise NotPreparable(
            f"{build.__qualname__}: arguments {sorted(missing)} are not parameters as given"
        )
    return _Compiled(queryset, compiler, sql, params, places)


# Compiled fetches per scope (`prepared_in_scope`): at most this many kept per process,
# the oldest dropped first (a user's scope is one entry per page kind).
SCOPED_KEPT = 2048
_SCOPED: dict[tuple, _Compiled] = {}
_SCOPED_LOCK = threading.Lock()


def prepared_in_scope(name: str, scope: tuple, build, pk: int) -> list:
    """`list(build(pk))`, compiled once per `name` and `scope` in this process.

    For a page's "this object, if the user may see it" fetch: its queryset (the
    visibility filter, the joined relations) is the same for every object a user opens
    and costs 1,3–2,4 ms of Python to build and compile against 0,3–1,8 ms of SQL
    (100.000 members). `scope` must hold everything besides `pk` the SQL depends on
    (`lienhe.access.scoping.scope_signature`: the user, their grants, their member
    record, the day); `build` must not read the database to build the queryset (a
    visibility that embeds ids it read would be frozen): subqueries only."""
    key = (name, scope)
    compiled = _SCOPED.get(key)
    if compiled is None:
        try:
            compiled = _prepare(build, [int])
        except EmptyResultSet:  # nothing is visible in this scope (no grant)
            return []
        with _SCOPED_LOCK:
            if len(_SCOPED) >= SCOPED_KEPT:
                _SCOPED.pop(next(iter(_SCOPED)))
            _SCOPED[key] = compiled
    return compiled.rows((pk,))
