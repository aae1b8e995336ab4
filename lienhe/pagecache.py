"""A detail page's whole HTML kept until a table it reads is written (issue 21).

A letter, a meeting, a petition or an away period read 7–12 small queries and render
forms on every view (12–24 ms at 100.000 members, the lists' results being cached
already: `lienhe/listcache.py`). `@cached_page(Model, …)` keeps the page a GET
answered, under the list cache's key (the user, the path and query, today's date,
the language, the versions of the tables read: `listcache.list_key`) plus what else a
page shows that no table version follows:

- the form token: the page holds `{% csrf_token %}`, valid for the browser's token
  secret, so the secret is part of the key (no secret yet: not cached);
- the session: a page is kept per signed-in session, never served to another;
- the header: the unread notifications badge (notifications keep no table version)
  and the user's name are part of the key;
- messages: a page is neither served from nor kept in the cache while one waits.

Only a 200 answer with nothing but its HTML is kept (no cookie, no other header); a
redirect, a 404 or a refusal runs the view every time. The view's decorators outside
`@cached_page` (sign-in, permission) still run on every request, and so does what the
view does before calling the page (`cached_page` wraps the whole view: a page with a
side effect on a GET, such as the member dossier's access record, is not cached).
`LIENHE_LIST_CACHE_SECONDS` bounds the time, as for the lists.

With `LIENHE_PAGE_TABLES_CHECK` on (the tests), every run of a decorated view checks
that it read no table it did not declare: a table left out would leave the page stale
after a write on it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse

from lienhe import tablewrites
from lienhe.listcache import list_key, list_tables

_KEPT_HEADERS = {"content-type"}
TABLES_READ = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)
# Read by any signed-in page whatever it shows: the session, and the notifications
# badge (part of the key when cached).
_EVERY_PAGE = {"django_session", "notify_notification"}


def page_key(request, tables) -> str | None:
    """The cache key of the page `request` asks for, or None when it is not cached."""
    if request.method not in ("GET", "HEAD"):
        return None
    secret = request.META.get("CSRF_COOKIE")
    session = getattr(request, "session", None)
    if not secret or session is None or not session.session_key:
        return None
    if len(get_messages(request)):
        return None
    key = list_key(request, tables)
    if key is None:
        return None
    from lienhe.notify.services import unread_count

    # Read once: the menu's context processor takes it from here on a miss.
    unread = request._lienhe_unread = unread_count(request.user)
    raw = "|".join(
        [
            key,
            secret,
            session.session_key,
            str(unread),
            request.user.display_name,  # the header's (a page may not read the users)
            request.get_host(),  # absolute links (a calendar feed)
            request.headers.get("HX-Request", ""),
        ]
    )
    return "page:" + hashlib.sha1(raw.encode()).hexdigest()[:32]


def _keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if {name.lower() for name in response.headers} - _KEPT_HEADERS:
        return False
    # A message the view added, or showed on this page, is for this answer only.
    storage = getattr(request, "_messages", None)
    return not (storage is not None and (storage._queued_messages or storage.used))


def cached_page(*models, with_history_of=(), more=None):
    """Keep the view's GET page until a table of `models` (and the roles,
    organizations and policies every page depends on) is written. `with_history_of`:
    models of `models` whose history the page shows (the history table keeps no
    version, but a history row is written with a write on its record's table).
    `more`: a function giving further models, asked at the first request (what other
    modules register at start-up, such as the member page's sections)."""

    @functools.cache
    def tables_read() -> tuple[list[str], list[str]]:
        tables = list_tables(*models, *(more() if more else ()))
        if not set(tablewrites.tables_of(*with_history_of)) <= set(tables):
            raise ImproperlyConfigured("with_history_of names a model not declared")
        history = tablewrites.tables_of(*(m.history.model for m in with_history_of))
        return tables, history

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            tables, history = tables_read()
            key = page_key(request, tables)
            if key is None:
                with _tables_checked(view, [*tables, *history]):
                    return view(request, *args, **kwargs)
            html = cache.get(key)
            if html is not None:
                return HttpResponse(html)
            with _tables_checked(view, [*tables, *history]):
                response = view(request, *args, **kwargs)
            if _keepable(request, response):
                cache.set(key, response.content, settings.LIENHE_LIST_CACHE_SECONDS)
            return response

        wrapped.page_tables = lambda: tables_read()[0]  # the tests read every table
        return wrapped

    return decorator


@contextmanager
def _tables_checked(view, tables):
    if not settings.LIENHE_PAGE_TABLES_CHECK:
        yield
        return
    read: set[str] = set()

    def collect(execute, sql, params, many, context):
        read.update(TABLES_READ.findall(sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(collect):
        yield
    undeclared = read - set(tables) - _EVERY_PAGE
    if undeclared:
        raise ImproperlyConfigured(
            f"{view.__module__}.{view.__name__} reads tables @cached_page does not"
            f" declare: {', '.join(sorted(undeclared))}"
        )
