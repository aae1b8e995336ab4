"""Explicit hooks other modules register to follow changes of member records.

A hook is a plain function registered from the module's `apps.ready()`, and called
by every writer of member records: `services.update_member` for one member and the
importer for all changed members of a file at once (bulk writes send no signal,
so no business rule may live on `post_save`).

- `on_home_changed(func)`: `func(changes: list[HomeChange], *, actor)` runs inside the
  writer's transaction after the new home is saved (e.g. lienhe.liaison closes the
  letter to the old residence and drafts one to the new residence).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Member

HOME_FIELDS = ("home_unit_id", "home_address")


@dataclass(frozen=True)
class HomeChange:
    """A member whose home commune or address changed; `member` is already saved."""

    member: Member
    old_home_unit_id: int | None
    old_home_address: str


_home_changed: list[Callable[..., None]] = []


def on_home_changed(func: Callable[..., None]) -> Callable[..., None]:
    """Register `func(changes, *, actor)`; registering twice is a no-op."""
    if func not in _home_changed:
        _home_changed.append(func)
    return func


def home_of(member: Member) -> tuple[int | None, str]:
    return (member.home_unit_id, member.home_address or "")


def home_changes(pairs: Iterable[tuple[tuple[int | None, str], Member]]) -> list[HomeChange]:
    """`(old home, saved member)` pairs → the changes where the home differs."""
    return [
        HomeChange(member=member, old_home_unit_id=old[0], old_home_address=old[1])
        for old, member in pairs
        if tuple(old) != home_of(member)
    ]


def home_changed(changes: list[HomeChange], *, actor=None) -> None:
    """Call every registered hook once with all the changes (nothing if empty)."""
    if not changes:
        return
    for func in list(_home_changed):
        func(changes, actor=actor)
