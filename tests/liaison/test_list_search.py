"""The letters search (issue 21): a union of "the member's name or card matches" and
"the letter number matches", so each arm reads its own index on PostgreSQL. The rows
found are those of the former `member IN (…) OR number LIKE` filter."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe.liaison.models import Introduction
from lienhe.members.models import Member
from tests.factories import MemberFactory

from .helpers import letter

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = NOW.date()
# session, user, roles, unread notifications + the list's own queries: a search finds,
# counts and orders its matches in one query, reads the page's rows by id and their
# organizations in one more; the list reads the summaries' floor of its province scope,
# counts (capped: the floor is under the cap here) and reads its page (issue 21).
SEARCH_PAGE_QUERIES = 4 + 3
LIST_PAGE_QUERIES = 4 + 3


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


def _search_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "%nguyen van tim%" in q["sql"]]


@pytest.mark.parametrize("n", [10, 200])
def test_search_runs_once_per_page_whatever_the_number_of_matches(cast, login, n):
    """Issue 21: the matches are found, counted and ordered in one query (a window
    count), then the page's rows are read by id; the member search is not run again
    for the count or the rows. Same queries with 10 and 200 matches."""
    with time_machine.travel(NOW, tick=False):
        members = [
            MemberFactory(
                full_name=f"Nguyễn Văn Tìm {i}", organization=cast.agency_cell, is_working=True
            )
            for i in range(n)
        ]
        Introduction.objects.bulk_create(
            Introduction(
                member=m,
                workplace_org=cast.agency,
                residence_org=cast.cell_a,
                state=Introduction.State.ACTIVE,
            )
            for m in members
        )
        client = login(cast.users["province_staff"])
        client.get(reverse("liaison:list"), {"q": "nguyen van tim"})  # session, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("liaison:list"), {"q": "nguyen van tim"})
    assert response.status_code == 200
    assert len(queries) == SEARCH_PAGE_QUERIES
    (search,) = _search_queries(queries)
    assert "OVER ()" in search.upper()
    page = response.context["page"]
    assert page.paginator.count == n
    assert [i.pk for i in page.object_list] == _expected("nguyen van tim")[:50]
    body = response.content.decode()
    assert f"{n} giấy" in body and "Nguyễn Văn Tìm" in body


@pytest.mark.parametrize("n", [10, 200])
def test_letter_list_rows_cost_no_query_per_row(cast, login, n):
    """The list without a search: capped count and one page query, labels and links
    built once per page (same queries with 10 and 200 letters)."""
    with time_machine.travel(NOW, tick=False):
        members = MemberFactory.create_batch(n, organization=cast.agency_cell, is_working=True)
        Introduction.objects.bulk_create(
            Introduction(
                member=m,
                workplace_org=cast.agency,
                residence_org=cast.cell_a,
                state=Introduction.State.ISSUED,
                due_on=TODAY,
            )
            for m in members
        )
        client = login(cast.users["province_staff"])
        client.get(reverse("liaison:list"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("liaison:list"))
    assert response.status_code == 200 and len(queries) == LIST_PAGE_QUERIES
    first = response.context["page"].object_list[0]
    body = response.content.decode()
    assert f'href="{reverse("liaison:detail", kwargs={"pk": first.pk})}"' in body
    assert str(Introduction.State.ISSUED.label) in body
