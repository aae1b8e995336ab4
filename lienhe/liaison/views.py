"""Web pages of the residence liaison, split by page family: the letter lists (here),
issuing and printing (views_issue), one letter (views_letter), the groups of a cell
(views_groups), the member's own page (views_member). Thin: every change goes through
services; the helpers shared by the families are here."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from lienhe.access.guards import get_in_scope_or_404, require_perm
from lienhe.access.requests import paginate, paginate_search, query_without_page
from lienhe.access.scoping import has_perm_anywhere, paths_with, subtree_q
from lienhe.listcache import list_response, list_tables
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.summaries.services import count_floor
from lienhe.text import choice_labels
from lienhe.urlformat import url_for

from .exports import LetterExporter
from .filters import LetterFilter
from .models import Introduction


def _org_choices(user):
    return (
        Organization.objects.visible_to(user)
        .filter(kind__in=[Organization.Kind.BASE, Organization.Kind.CELL], is_active=True)
        .filter(depth__lte=3)
        .order_by("path")
    )


def _letters(user):
    return Introduction.objects.visible_to(user).select_related(
        "member", "workplace_org", "residence_org", "group"
    )


# A page's letters with their members, read by id once the visible ids are known; their
# organizations are read apart (_with_orgs).
_LETTER_ROWS = Introduction.objects.select_related("member")


def _with_orgs(letters) -> None:
    """The page's organizations in one query by id: joined to the 50 letters,
    PostgreSQL hashed every organization three times (issue 21)."""
    orgs = Organization.objects.in_bulk(
        {pk for i in letters for pk in (i.workplace_org_id, i.residence_org_id, i.group_id)}
        - {None}
    )
    for i in letters:
        i.workplace_org, i.residence_org = orgs[i.workplace_org_id], orgs[i.residence_org_id]
        i.group = orgs.get(i.group_id)


def _filtered(request, qs=None):
    qs = _letters(request.user) if qs is None else qs
    return LetterFilter(request.GET or None, queryset=qs, org_choices=_org_choices(request.user))


def _get(request, pk: int) -> Introduction:
    user = request.user
    return get_in_scope_or_404("liaison.letter", user, lambda pk: _letters(user).filter(pk=pk), pk)


def _fail(request, exc: Exception, intro: Introduction):
    messages.error(request, str(exc))
    return redirect("liaison:detail", pk=intro.pk)


def _form_page(request, intro, form, title, submit, template="liaison/action.html", **extra):
    return render(
        request,
        template,
        {"intro": intro, "form": form, "title": title, "submit": submit, **extra},
    )


# The tables a page of letters reads (lienhe/listcache.py).
_LETTER_TABLES = list_tables(Introduction, Member)


def _letters_page(request, filterset, title: str, url_name: str, *, at_least=None, **extra):
    """One page of letters (the results only for an htmx filter request); `at_least`:
    a function giving the floor of an unfiltered count, asked on a miss."""
    context = {
        "filter": filterset,
        "query": query_without_page(request),
        "title": title,
        "results_url": reverse(url_name),
        **extra,
    }

    return list_response(
        request,
        "liaison/list.html",
        "liaison/_letters.html",
        context,
        lambda: _letter_rows(request, filterset, at_least() if at_least else None),
        tables=_LETTER_TABLES,
    )


def _letter_rows(request, filterset, at_least: int | None):
    # A search finds, counts and orders its matches (thousands for a common name) in
    # one query on the letters alone, then loads the page's 50 full rows: the search
    # ran twice (count, page) and the page sorted every match joined with its member
    # and three organizations (issue 21).
    searching = bool(filterset.form.is_valid() and filterset.form.cleaned_data.get("q"))
    if searching:
        # The page's ids come from the scoped search, so its rows are read by id alone,
        # without repeating the scope (issue 21).
        page = paginate_search(request, filterset.qs, load=_LETTER_ROWS)
        _with_orgs(page.object_list)
    else:
        page = paginate(request, filterset.qs, at_least=at_least)
    # Per page, not per row (issue 21): the state labels translated once (not
    # get_state_display, which rebuilds the choices and casts each lazy label on every
    # call) and the detail links built from one reverse().
    labels = choice_labels(Introduction.State.choices)
    detail_url = url_for("liaison:detail")
    for letter in page.object_list:
        letter.state_text = labels.get(letter.state, letter.state)
        letter.detail_url = detail_url(letter.pk)
    return page


@require_perm("liaison:read")
def letter_list(request):
    # Built on a miss only: a cached page has its filter form and rows (issue 21).
    filterset = SimpleLazyObject(lambda: _filtered(request))

    def floor():
        # Unfiltered, the list holds at least the letters addressed to its scope.
        if not filterset.unfiltered:
            return None
        keys = [f"letters.to.{s}" for s in Introduction.State]
        return count_floor(request.user, "liaison:read", keys)

    return _letters_page(
        request,
        filterset,
        _("Giấy giới thiệu sinh hoạt nơi cư trú"),
        "liaison:list",
        can_issue=has_perm_anywhere(request.user, "liaison:issue"),
        can_export=has_perm_anywhere(request.user, "liaison:export"),
        printed=request.GET.get("printed", ""),
        at_least=floor,
    )


@require_perm("liaison:export")
def letter_export(request):
    return LetterExporter(_filtered(request).qs).export(request)


@require_perm("liaison:read")
def inbox(request):
    """Residence side: letters addressed to my cells/commune, not yet accepted."""
    paths = paths_with(request.user, "liaison:read")
    qs = _letters(request.user).filter(
        state__in=[Introduction.State.ISSUED, Introduction.State.HANDED_IN]
    )
    if not request.user.is_superuser:
        qs = qs.filter(subtree_q(paths, "residence_org__path"))
    return _letters_page(
        request,
        _filtered(request, qs.order_by("due_on", "id")),
        _("Giấy giới thiệu đến (nơi cư trú)"),
        "liaison:inbox",
        inbox=True,
    )
