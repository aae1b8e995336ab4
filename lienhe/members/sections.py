"""Sections other modules add to a member's page (residence record, away periods, …).
A module registers `func(request, member, full: bool) -> dict | None` returning at
least {"template": "...", "title": _("...")} plus its context, or None to show nothing,
from its `registry.py` with `lienhe.registry.register(MemberSection(order, func))`."""

from collections.abc import Callable

MEMBER_SECTIONS: list[tuple[int, Callable]] = []
SECTION_READS: list = []  # the models the sections read (lienhe/pagecache.py)


def register_section(order: int, func: Callable, reads=()) -> None:
    if all(f is not func for _, f in MEMBER_SECTIONS):
        MEMBER_SECTIONS.append((order, func))
        MEMBER_SECTIONS.sort(key=lambda item: item[0])
        SECTION_READS.extend(m for m in reads if m not in SECTION_READS)


def section_models() -> list:
    """The models every registered section reads."""
    return list(SECTION_READS)


def sections_for(request, member, full: bool) -> list[dict]:
    result = []
    for _order, func in MEMBER_SECTIONS:
        section = func(request, member, full)
        if section:
            result.append(section)
    return result
