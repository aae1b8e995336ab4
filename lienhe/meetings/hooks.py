"""Contracts between meetings and the modules beside it (set from their apps.ready()).

- `working_member_source`: set by lienhe.liaison. Callable
  `(cell: Organization, groups: list[Organization], on: date) -> QuerySet[Member]`
  returning the introduced working members expected at a meeting with working
  members of `cell` (only those in `groups` when groups are given; exempted excluded).
- `AGENDA_PROVIDERS`: callables `(meeting) -> list[str]` adding agenda lines to a
  planned meeting (e.g. petitions answered since the last meeting, to report back).
"""

from collections.abc import Callable

working_member_source: Callable | None = None

AGENDA_PROVIDERS: list[Callable] = []


def set_working_member_source(func: Callable) -> None:
    global working_member_source
    working_member_source = func
