"""A detail page's "this object if the user may see it" fetch, compiled once per user
scope (lienhe.access.guards.get_in_scope_or_404, lienhe.prepared.prepared_in_scope):
the same object as the plain queryset, 404 outside the scope, a new role seen at once."""

import pytest
from django.http import Http404

from lienhe.access.guards import get_in_scope_or_404
from lienhe.access.models import Role, User
from lienhe.members.models import Member
from lienhe.prepared import _SCOPED


def _fetch(user, pk, calls=None):
    user = User.objects.get(pk=user.pk)  # a new request: grants read again

    def build(pk):
        if calls is not None:
            calls.append(pk)
        return Member.objects.visible_to(user).select_related("organization").filter(pk=pk)

    return get_in_scope_or_404("tests.member", user, build, pk)


def test_the_same_member_as_the_queryset_and_404_outside_the_scope(cast):
    secretary = cast.users["secretary_a"]
    own = cast.members["a1"]
    member = _fetch(secretary, own.pk)
    assert member == own and member.organization == cast.cell_a
    assert member.full_name == own.full_name
    with pytest.raises(Http404):
        _fetch(secretary, cast.members["o1"].pk)  # another commune's cell
    with pytest.raises(Http404):
        _fetch(secretary, 10**9)


def test_built_and_compiled_once_per_scope(cast):
    _SCOPED.clear()
    calls = []
    secretary = cast.users["secretary_a"]
    _fetch(secretary, cast.members["a1"].pk, calls)
    built = len(calls)
    _fetch(secretary, cast.members["a2"].pk, calls)
    assert built == 2 and len(calls) == built  # two stand-ins, then never again
    _fetch(cast.users["commune_staff"], cast.members["b1"].pk, calls)
    assert len(calls) == built + 2  # another scope: compiled for it


def test_a_new_role_is_seen_at_the_next_request(cast):
    outsider = cast.users["outsider"]
    other = cast.members["o1"]
    with pytest.raises(Http404):
        _fetch(outsider, other.pk)  # no grant: nothing visible
    Role.objects.create(user=outsider, organization=cast.other_commune, role="committee_staff")
    assert _fetch(outsider, other.pk) == other
    Role.objects.filter(user=outsider).delete()
    with pytest.raises(Http404):
        _fetch(outsider, other.pk)
