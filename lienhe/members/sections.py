"""Sections other modules add to a member's page (residence record, away periods, …).
A module registers `func(request, member, full: bool) -> dict | None` returning at
least {"template": "...", "title": _("...")} plus its context, or None to show nothing,
from its `registry.py` with `lienhe.registry.register(MemberSection(order, func,
reads=(Model, …)))`.

Each section is rendered on its own and kept like a list's results
(`lienhe.listcache.results_html`: per user, member page, day and language) until a
table it reads, or the member's, is written: the dossier as a whole is dropped by any
write on any section's tables (a comment drafted anywhere), and then only the
sections whose tables changed are computed again (issue 21). A section's template
sees `section`, `member` and `full`, and holds no form."""

import functools
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

MEMBER_SECTIONS: list[tuple[int, Callable]] = []
SECTION_READS: list = []  # the models the sections read (lienhe/pagecache.py)
_READS_BY_SECTION: dict[Callable, tuple] = {}


def register_section(order: int, func: Callable, reads=()) -> None:
    if all(f is not func for _, f in MEMBER_SECTIONS):
        MEMBER_SECTIONS.append((order, func))
        MEMBER_SECTIONS.sort(key=lambda item: item[0])
        SECTION_READS.extend(m for m in reads if m not in SECTION_READS)
        _READS_BY_SECTION[func] = tuple(reads)


def section_models() -> list:
    """The models every registered section reads."""
    return list(SECTION_READS)


@functools.cache
def _tables(func: Callable) -> list[str]:
    from lienhe.listcache import list_tables

    from .models import Member

    return list_tables(Member, *_READS_BY_SECTION[func])


def _render(request, func: Callable, member, full: bool) -> str:
    section = func(request, member, full)
    if not section:
        return ""
    context = {"section": section, "member": member, "full": full}
    body = render_to_string(section["template"], context, request)
    return format_html(
        '<section class="member-section"><h2>{}</h2>{}</section>', section["title"], body
    )


def sections_for(request, member, full: bool) -> list[str]:
    """The sections' HTML, in order (empty sections left out)."""
    from lienhe.listcache import results_html_of

    result = []
    for _order, func in MEMBER_SECTIONS:
        name = f"member-section:{func.__module__}.{func.__qualname__}:{int(full)}"
        html = results_html_of(
            request,
            name,
            lambda func=func: _render(request, func, member, full),
            tables=_tables(func),
        )
        if html:
            result.append(mark_safe(html))
    return result
