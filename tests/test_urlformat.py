"""lienhe.urlformat.url_for: the same address as reverse(), for any id."""

import pytest
from django.urls import reverse

from lienhe.urlformat import url_for


@pytest.mark.parametrize(
    "name",
    ["members:detail", "liaison:detail", "meetings:detail", "petitions:detail", "away:detail"],
)
@pytest.mark.parametrize("pk", [1, 7, 1234567, 987_654_321_000])
def test_url_for_gives_what_reverse_gives(name, pk):
    assert url_for(name)(pk) == reverse(name, args=[pk])


def test_url_for_with_two_arguments():
    assert url_for("reviews:review_edit", 2)(42, 2026) == reverse(
        "reviews:review_edit", args=[42, 2026]
    )


def test_a_route_without_integer_arguments_is_refused():
    with pytest.raises(Exception):  # noqa: B017, PT011 (NoReverseMatch or the mark check)
        url_for("members:list")
