"""The away lists search members through a subquery on members (name folded, card
number prefix) instead of filtering through the join (issue 21): the same rows."""

from django.urls import reverse

from lienhe.away.models import AwayPeriod

from .helpers import approved, filed


def _found(client, q: str) -> set[int]:
    response = client.get(reverse("away:list"), {"q": q})
    assert response.status_code == 200
    return {a.pk for a in response.context["page"].object_list}


def test_search_by_name_card_number_and_destination(cast, login):
    first = approved(cast)
    second = filed(cast, "b1", employer="Công ty Samsung", destination_country="Hàn Quốc")
    client = login(cast.users["commune_staff"])
    b1 = second.member

    assert _found(client, "le van cuong") == {second.pk}  # "Lê Văn Cường", no diacritics
    assert _found(client, b1.card_number) == {second.pk}  # card number (a prefix search)
    assert _found(client, "han quoc") == {second.pk}  # destination
    assert first.pk in _found(client, first.member.full_name)
    assert _found(client, "khong co ai") == set()
    assert AwayPeriod.objects.search("le van cuong").get() == second
