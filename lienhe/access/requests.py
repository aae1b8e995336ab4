"""Request parameters shared by every view and API handler, one answer each:

- `year_param(request)`: `?year=` within YEAR_MIN..YEAR_MAX, else the current year
  (a malformed or absurd year is never a server error);
- `report_org(request, perm)` / `report_org_for(user, org_id, perm)`: the organization
  a report is about; `?org=` outside the user's visible tree (or malformed) is 404,
  visible without `perm` there is 403, no `?org=` gives the top of the scope;
- `paginate(request, rows)`: one page of LIST_PAGE_SIZE rows (`paginate_by_ids`: the
  same, the page's ids selected narrow before its full rows are loaded); the total is
  counted up to COUNT_CAP + 1 rows only (no COUNT(*) over a whole province on every
  page; a text search up to SEARCH_COUNT_CAP + 1): beyond the cap the page shows
  "hơn 10.000" ("hơn 1.000" for a search) and moves on by "Trang sau" without a last page;
- `query_without_page(request)`: the query string for the pagination links;
- `run_form_action(...)`: the POST step of a form page (validate, call the service,
  message + redirect, or the service's error on the form).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window
from django.http import Http404
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from lienhe.orgs.models import Organization

from .guards import check_org_perm
from .scoping import scope_roots

YEAR_MIN = 2000
YEAR_MAX = 2100
COUNT_CAP = 10_000  # a list counts at most COUNT_CAP + 1 rows
# A text search (`?q=`) counts at most SEARCH_COUNT_CAP + 1 matches: past a thousand
# names a person types more letters rather than paging, and counting a common name
# ("nguyen") to 10.001 in a province cost 9-15 ms against 3 ms to 1.001 (issue 21,
# session 11). The page says "hơn 1.000" and asks for a narrower search.
SEARCH_COUNT_CAP = 1_000
SEARCH_PARAM = "q"


def clamp_year(value, *, default: int | None = None) -> int:
    """`value` (int or text) as a year in YEAR_MIN..YEAR_MAX; anything else gives
    `default` (the current year when not given). Web and API read years through this."""
    raw = str("" if value is None else value).strip()
    if raw.isdigit() and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    return default if default is not None else timezone.localdate().year


def year_param(request, name: str = "year", *, default: int | None = None) -> int:
    """`?<name>=` as a year in YEAR_MIN..YEAR_MAX (see `clamp_year`)."""
    return clamp_year(request.GET.get(name, ""), default=default)


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
        roots = [o for o in scope_roots(user, perm) if kinds is None or o.kind in kinds]
        org = min(roots, key=lambda o: (o.depth, o.path), default=None)
    if org is None:
        raise Http404
    check_org_perm(user, org, perm)
    return org


def report_org(
    request, perm: str, *, param: str = "org", kinds: Iterable[str] | None = None
) -> Organization:
    """`report_org_for` with the `?org=` parameter of the request."""
    return report_org_for(request.user, request.GET.get(param, ""), perm, kinds=kinds)


# --- pagination --------------------------------------------------------------------


def count_upto(rows, cap: int) -> int:
    """How many rows, counting at most `cap + 1` (a COUNT over a LIMITed subquery for a
    QuerySet, so the database stops early); `> cap` means "more than cap". The order
    is dropped: it does not change how many of the first `cap + 1` rows there are, and
    a sorted subquery would make the database sort the whole scope before counting."""
    if isinstance(rows, RowsByIds):
        rows = rows.ids
    if hasattr(rows, "query"):
        return rows.order_by()[: cap + 1].count()
    return len(rows)


class CappedPage(Page):
    """A page of a capped list: whether a next page exists is known from the rows
    fetched (one more than the page holds), not from the total."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class CappedPaginator(Paginator):
    """Django's paginator counting at most `cap + 1` rows. Up to `cap` rows it behaves
    exactly like Paginator; beyond, `capped` is True, `count_text` reads "hơn 10.000",
    any page number is accepted and `has_next()` comes from the page's own rows."""

    def __init__(
        self,
        object_list,
        per_page: int | None = None,
        *,
        cap: int | None = None,
        at_least: int | None = None,
    ):
        super().__init__(object_list, per_page or settings.LIST_PAGE_SIZE)
        self.cap = COUNT_CAP if cap is None else cap
        self.at_least = at_least

    @property
    def too_many(self) -> bool:
        """More matches than a search counts: the page asks for more letters."""
        return self.capped and self.cap == SEARCH_COUNT_CAP

    @cached_property
    def count(self) -> int:
        # A floor known without reading the rows (a summary counter of a subset of
        # them, `at_least`) already says "more than the cap": no count query.
        if self.at_least is not None and self.at_least > self.cap:
            return self.cap + 1
        return count_upto(self.object_list, self.cap)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_text(self) -> str:
        """The total as shown: "98.377", or "hơn 10.000" beyond the cap."""
        if self.capped:
            return _("hơn %(n)s") % {
                "n": formats.number_format(self.cap, use_l10n=True, force_grouping=True)
            }
        return formats.number_format(self.count, use_l10n=True, force_grouping=True)

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(_("Số trang không hợp lệ.")) from exc
        return max(number, 1)

    def page(self, number):
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


def paginate(request, rows, *, param: str = "page", at_least: int | None = None) -> Page:
    """Page `?page=` of `rows` (LIST_PAGE_SIZE a page; a bad number gives the first or
    the last page, never an error). Every list view pages through this. `at_least`: a
    number of rows `rows` surely holds (a summary counter of a subset of them, for an
    unfiltered list); above COUNT_CAP it spares the count (issue 21)."""
    return CappedPaginator(rows, cap=count_cap(request), at_least=at_least).get_page(
        request.GET.get(param)
    )


def count_cap(request) -> int:
    """How far a list counts its rows: SEARCH_COUNT_CAP under a text search, else
    COUNT_CAP."""
    return SEARCH_COUNT_CAP if request.GET.get(SEARCH_PARAM, "").strip() else COUNT_CAP


class RowsByIds:
    """A queryset's rows as the paginator reads them, narrow first: the count runs on the
    ids alone, and a page (a slice) is ONE query loading the full rows (with `rows`'
    select_related and order) whose ids are that slice of the ordered ids, a LIMITed
    subquery. The scope, filters and order are read on the narrow rows only (index
    entries where an index carries them), the wide rows and their joins for the page
    alone: a common search term no longer fetches thousands of wide rows to discard
    them (issue 21). For a plain queryset (no annotations, no values)."""

    ordered = True

    def __init__(self, rows):
        self.ids = rows.values_list("pk", flat=True)
        load = rows.model._default_manager.all()
        load.query.select_related = rows.query.select_related
        self.load = load.order_by(*rows.query.order_by) if rows.query.order_by else load

    def __getitem__(self, k):
        if not isinstance(k, slice):
            raise TypeError("RowsByIds is read by slices (pages)")
        # The loading query repeats neither the scope nor the filters: the ids are
        # already those.
        return list(self.load.filter(pk__in=self.ids[k]))


def paginate_by_ids(request, rows, *, param: str = "page", at_least: int | None = None) -> Page:
    """`paginate` reading `rows` narrow first (`RowsByIds`): same pages, same number of
    queries."""
    return CappedPaginator(RowsByIds(rows), cap=count_cap(request), at_least=at_least).get_page(
        request.GET.get(param)
    )


def paginate_deferred(
    request, rows, *, values: tuple[str, ...] | None = None, param: str = "page"
) -> Page:
    """`paginate` for a list whose order reads many more rows than a page (a sort key
    from a joined table): the count and the order run on the ids alone, then the page's
    full rows (with `rows`' select_related) are loaded by id, in that order. One query
    more than `paginate`, but the database no longer fetches every wide row the sort
    reads before cutting the page (issue 21). With `values` (field names and lookups,
    as for `QuerySet.values`) the page's rows are those dicts, with "pk", instead of
    model instances: a list showing a few columns of 50 rows and their related rows
    builds no model instance (issue 21)."""
    page = paginate(request, rows.values_list("pk", flat=True), param=param)
    ids = list(page.object_list)
    found = {}
    if ids and values is not None:
        found = {row["pk"]: row for row in rows.order_by().filter(pk__in=ids).values("pk", *values)}
    elif ids:
        found = rows.order_by().in_bulk(ids)
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page


def paginate_search(
    request, rows, *, load, values: tuple[str, ...] | None = None, param: str = "page"
) -> Page:
    """`paginate_deferred` for a search, whose matching is the costly part: the page's
    ids and the number of matches come from ONE query (a window count over the
    matches, which the sort reads in full anyway) instead of a capped count and then
    the ids, each running the search. Same pages as `paginate` (total capped at
    COUNT_CAP + 1, a bad number gives the first or the last page); a page number past
    the end costs a count and the last page's ids (two queries more). The page's rows
    are read from `load` by id: instances, or with `values` the dicts of
    `paginate_deferred` (issue 21). The ids are already those the user may see, so
    `load` need not repeat the scope nor the search."""
    ids_qs = rows.values_list("pk", flat=True)
    paginator = CappedPaginator(ids_qs, cap=count_cap(request))
    per_page = paginator.per_page
    raw = request.GET.get(param)
    try:
        guess = max(int(raw), 1)
    except (TypeError, ValueError):
        guess = 1
    bottom = (guess - 1) * per_page
    found = list(
        rows.annotate(_matches=Window(Count("pk"))).values_list("pk", "_matches")[
            bottom : bottom + per_page
        ]
    )
    if found:
        paginator.__dict__["count"] = min(found[0][1], paginator.cap + 1)
    elif guess == 1:
        paginator.__dict__["count"] = 0
    try:
        number = paginator.validate_number(raw)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    if number == guess:
        ids = [pk for pk, _ in found]
    else:
        bottom = (number - 1) * per_page
        ids = list(ids_qs[bottom : bottom + per_page])
    if paginator.capped:
        more = bool(found) and found[0][1] > number * per_page
        page = CappedPage(ids, number, paginator, more=more)
    else:
        page = Page(ids, number, paginator)
    loaded = {}
    if ids and values is not None:
        loaded = {
            row["pk"]: row for row in load.order_by().filter(pk__in=ids).values("pk", *values)
        }
    elif ids:
        loaded = load.order_by().in_bulk(ids)
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page


def query_without_page(request, param: str = "page") -> str:
    """The request's query string without the page number (for the page links)."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


# --- form actions ------------------------------------------------------------------


def run_form_action(request, form, action, *, errors, success, redirect_to, inline: bool = True):
    """Run a service from a POSTed form, the one way every form view does it.

    When the request is a POST and `form` is valid, call `action(form.cleaned_data)`.
    On success add the `success` message (a text, or a callable of the action's
    result) and redirect to `redirect_to` (a URL, or a callable of the result).
    `errors` (an exception class or tuple: the service's typed errors) are shown:
    - `inline=True` (a form page): on the form, and None is returned so the page
      re-renders with the input kept; None also for a GET or an invalid form;
    - `inline=False` (a button on another page): as messages (the form's own errors
      too), with a redirect to `redirect_to` whatever happened.
    """
    if request.method != "POST" or not form.is_bound:
        return None
    back = redirect_to
    if not form.is_valid():
        if inline:
            return None
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect(back(None) if callable(back) else back)
    try:
        result = action(form.cleaned_data)
    except errors as exc:
        if inline:
            form.add_error(None, str(exc))
            return None
        messages.error(request, str(exc))
        return redirect(back(None) if callable(back) else back)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(back(result) if callable(back) else back)
