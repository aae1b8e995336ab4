"""`any_of` (lienhe/anyof.py) and the scope below a province read from the indexes:
the same rows as the path join, whatever the database."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from lienhe.access.scoping import below_province, in_subtrees, subtree_q
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from tests.factories import MemberFactory
from tests.liaison.helpers import letter

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds(cast):
    MemberFactory.create_batch(3, organization=cast.cell_a)
    orgs = Organization.objects.filter(path__startswith=cast.commune.path).values("pk")
    some = Member.objects.filter(organization=cast.agency_cell).values("pk")
    got = Member.objects.filter(Q(organization_id__any_of=orgs) | Q(pk__any_of=some))
    want = Member.objects.filter(Q(organization_id__in=orgs) | Q(pk__in=some))
    assert sorted(got.values_list("pk", flat=True)) == sorted(want.values_list("pk", flat=True))
    assert got.count() > Member.objects.filter(organization=cast.cell_a).count()
    with CaptureQueriesContext(connection) as queries:
        list(got)
    sql = queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql and 'ORDER BY "U0"' not in sql
    else:
        assert " IN (SELECT" in sql


def test_below_a_province_the_scope_is_read_by_organization_ids(cast):
    assert below_province([cast.commune.path, cast.cell_a.path])
    assert not below_province([cast.province.path])
    assert not below_province([cast.commune.path, cast.province.path])
    assert not below_province([])
    for paths in ([cast.commune.path], [cast.province.path], [cast.cell_a.path, cast.agency.path]):
        got = Member.objects.filter(in_subtrees(paths, "organization"))
        want = Member.objects.filter(subtree_q(paths, "organization__path"))
        assert set(got.values_list("pk", flat=True)) == set(want.values_list("pk", flat=True))


def test_a_commune_sees_its_members_and_the_members_introduced_to_it(cast, login):
    """The commune's member list holds its own members and, by the liaison window, the
    working members introduced to its cells: read from the indexes, the same people."""
    intro = letter(cast, "active")
    client = login(cast.users["commune_staff"])
    shown = {m.pk for m in client.get("/dang-vien/").context["page"].object_list}
    own = set(
        Member.objects.filter(organization__path__startswith=cast.commune.path).values_list(
            "pk", flat=True
        )
    )
    assert intro.member_id in shown and own <= shown
    assert shown == own | {intro.member_id}
