"""A list page's results (count, rows, pager) rendered once per user, address and day,
and served again until a table they read is written (issue 21).

Measured at 100.000 members, a province's list spent 12–20 ms finding, loading and
rendering its 50 rows and under 2 ms on everything else; the rows change only when one
of their tables does. The key is the user (their scope, permissions and columns), the
path and every query parameter (filters, search, page), today's date (days left),
the language, and the versions of the tables the rows read (`tablewrites`: any write
on one of them, however it was made, gives a new key). The cached piece holds no form
token and no message, only what `build()` puts in the results template.

`LIENHE_LIST_CACHE_SECONDS` (default 300; 0 turns it off) bounds what no table write
tells: a grant that expires at a date, the clock crossing midnight inside a page."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from lienhe import tablewrites

# Tables whose rows every list's results depend on: who sees what (roles), where
# (organizations) and the regulation numbers behind deadlines (policies).
_COMMON: list[str] = []


def list_tables(*models) -> list[str]:
    """The tables a list's results read: `models`' and the common ones."""
    from lienhe.access.models import Role
    from lienhe.orgs.models import Organization, Policy

    if not _COMMON:
        _COMMON.extend(tablewrites.tables_of(Role, Organization, Policy))
    tables = sorted({*_COMMON, *tablewrites.tables_of(*models)})
    unversioned = [t for t in tables if not tablewrites.is_versioned(t)]
    if unversioned:
        raise ImproperlyConfigured(f"no version is kept for {', '.join(unversioned)}")
    return tables


def list_key(request, tables: Iterable[str]) -> str | None:
    """What a list page's cached pieces depend on, as one key: the user, the path and
    every query parameter, today's date, the language and the versions of `tables`;
    None when they are not cached (turned off, or nobody signed in)."""
    if settings.LIENHE_LIST_CACHE_SECONDS <= 0 or not request.user.is_authenticated:
        return None
    raw = "|".join(
        [
            request.path,
            str(request.user.pk),
            repr(sorted(request.GET.lists())),
            str(timezone.localdate()),
            translation.get_language() or "",
            tablewrites.versions(tables),
        ]
    )
    return hashlib.sha1(raw.encode()).hexdigest()[:24]


def results_html_of(
    request, name: str, render: Callable[[], str], *, tables: Iterable[str], key=None
) -> SafeString:
    """`render()`'s HTML, kept under `name` and the list key (`key`: the page's
    `list_key`, when already read) until one of `tables` (`list_tables`) is written."""
    key = key or list_key(request, tables)
    if key is None:
        return mark_safe(render())
    cache_key = f"list:{name}:{key}"
    html = cache.get(cache_key)
    if html is None:
        html = render()
        cache.set(cache_key, html, settings.LIENHE_LIST_CACHE_SECONDS)
    return mark_safe(html)


def results_html(
    request, template: str, build: Callable[[], dict], *, tables: Iterable[str], key=None
) -> SafeString:
    """The results template rendered with `build()`'s context (plus the request), from
    the cache when none of `tables` (`list_tables`) was written since."""
    return results_html_of(
        request,
        template,
        lambda: render_to_string(template, build(), request),
        tables=tables,
        key=key,
    )


def list_response(
    request,
    page_template: str,
    results_template: str,
    context: dict,
    rows: Callable[[], object],
    *,
    tables: Iterable[str],
) -> HttpResponse:
    """A list page: `context` (filters, buttons) around the results, which show
    `rows()` (the page of rows, as `page`) and are cached (`results_html`); only the
    results for an htmx filter request. The page template puts `{{ results }}` where
    the results go, and wraps its filter form in
    `{% cache list_seconds "list-filters" list_key %}…{% endcache %}`: the form's
    selects (categories, agencies, units) cost as much as the rows, and depend on the
    same user, query and tables."""
    key = list_key(request, tables)
    results = results_html(
        request, results_template, lambda: {**context, "page": rows()}, tables=tables, key=key
    )
    if request.htmx:
        return HttpResponse(results)
    # Off: a key of its own and no time, so the cache tag keeps nothing.
    seconds = settings.LIENHE_LIST_CACHE_SECONDS if key else 0
    context = {**context, "results": results, "list_key": key or uuid.uuid4().hex}
    return render(request, page_template, {**context, "list_seconds": seconds})
