"""`url_for(name)`: a route reversed once, then formatted for each row's ids.

A list of 50 rows or a red-flag page of 1.300 flags called `reverse()` once a row, and
that alone cost a third of such a view (issue 21). Red flags, list pages and dossiers
build their links through this one helper."""

from __future__ import annotations

from collections.abc import Callable

# Integers no route of the project reaches; `url_for` reverses with them once.
_URL_MARKS = tuple(987_654_321_000 + i for i in range(3))


def url_for(name: str, nargs: int = 1) -> Callable[..., str]:
    """`reverse(name, args=[…])` for integer arguments as a string template:
    `url_for("liaison:detail")(pk) == reverse("liaison:detail", args=[pk])`."""
    from django.urls import reverse

    url = reverse(name, args=_URL_MARKS[:nargs]).replace("{", "{{").replace("}", "}}")
    for i, mark in enumerate(_URL_MARKS[:nargs]):
        assert url.count(str(mark)) == 1, (name, url)
        url = url.replace(str(mark), f"{{{i}}}")
    return url.format
