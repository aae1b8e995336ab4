"""The letters search (issue 21): a union of "the member's name or card matches" and
"the letter number matches", so each arm reads its own index on PostgreSQL. The rows
found are those of the former `member IN (…) OR number LIKE` filter."""

from django.db.models import Q
from django.urls import reverse

from lienhe.liaison.models import Introduction
from lienhe.members.models import Member
from tests.factories import MemberFactory

from .helpers import letter


def _found(client, q: str) -> list[int]:
    response = client.get(reverse("liaison:list"), {"q": q})
    assert response.status_code == 200
    return [intro.pk for intro in response.context["page"].object_list]


def _expected(q: str) -> list[int]:
    members = Member.objects.search(q).values("pk")
    return list(
        Introduction.objects.filter(Q(member__in=members) | Q(number__icontains=q))
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )


def test_search_by_name_without_diacritics_and_by_number(cast, login):
    named = letter(
        cast,
        "issued",
        member=MemberFactory(
            full_name="Nguyễn Văn Ánh", organization=cast.agency_cell, is_working=True
        ),
    )
    other = letter(
        cast,
        "issued",
        member=MemberFactory(
            full_name="Trần Thị Bình", organization=cast.agency_cell, is_working=True
        ),
    )
    Introduction.objects.filter(pk=other.pk).update(number="77-GGT/ĐU")
    client = login(cast.users["province_staff"])

    assert _found(client, "nguyen van anh") == [named.pk] == _expected("nguyen van anh")
    assert _found(client, "77-ggt") == [other.pk] == _expected("77-ggt")
    # Both arms at once: a number containing the name's text finds both, newest first.
    Introduction.objects.filter(pk=other.pk).update(number="NGUYEN VAN ANH-1")
    assert set(_found(client, "nguyen van anh")) == {named.pk, other.pk}
    assert _found(client, "nguyen van anh") == _expected("nguyen van anh")
    assert _found(client, "khong co ai") == []
