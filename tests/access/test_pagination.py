"""One pagination helper (`lienhe.access.requests.paginate`, issue 18 item 3 and issue 21
item 2): LIST_PAGE_SIZE rows a page and a total counted up to COUNT_CAP + 1 rows only,
so a province-wide list does not COUNT(*) every member on every page."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe.access import requests as req
from lienhe.members.models import Member
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db
LIST = reverse("members:list")


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_below_the_cap_it_counts_exactly_like_django(cast):
    cell = make_org(cast.commune, name="Chi bộ Đếm")
    MemberFactory.create_batch(8, organization=cell)
    rows = Member.objects.filter(organization=cell).order_by("pk")
    paginator = req.CappedPaginator(rows, 3, cap=100)
    assert paginator.count == 8
    assert not paginator.capped and paginator.num_pages == 3
    assert paginator.count_text == "8"
    last = paginator.get_page(3)
    assert len(last.object_list) == 2 and not last.has_next() and last.end_index() == 8


def test_above_the_cap_the_count_stops_at_cap_plus_one(cast):
    cell = make_org(cast.commune, name="Chi bộ Đếm")
    MemberFactory.create_batch(12, organization=cell)
    rows = Member.objects.filter(organization=cell).order_by("pk")
    paginator = req.CappedPaginator(rows, 5, cap=4)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5
    (sql,) = _counts(queries)
    assert re.search(r"LIMIT\s+5\b", sql)  # the database stops after cap + 1 rows
    assert paginator.capped and paginator.count_text == "hơn 4"
    pks = list(rows.values_list("pk", flat=True))
    page2 = paginator.get_page(2)
    assert [m.pk for m in page2.object_list] == pks[5:10] and page2.has_next()
    page3 = paginator.get_page(3)  # beyond what was counted: still served
    assert [m.pk for m in page3.object_list] == pks[10:] and not page3.has_next()
    assert page3.has_previous() and page3.end_index() == 12
    assert paginator.get_page("abc").number == 1 and paginator.get_page("-3").number == 1


def test_paginate_reads_the_page_and_the_one_page_size(cast, settings):
    settings.LIST_PAGE_SIZE = 2
    MemberFactory.create_batch(4, organization=cast.cell_a)
    request = RequestFactory().get("/", {"page": "2", "q": "x"})
    page = req.paginate(request, Member.objects.filter(organization=cast.cell_a).order_by("pk"))
    assert page.number == 2 and len(page.object_list) == 2
    assert req.query_without_page(request) == "q=x"


def test_member_list_beyond_the_cap_reads_more_than_and_pages_on(
    cast, login, settings, monkeypatch
):
    settings.LIST_PAGE_SIZE = 2
    monkeypatch.setattr(req, "COUNT_CAP", 3)
    cell = make_org(cast.commune, name="Chi bộ Đếm")
    MemberFactory.create_batch(7, organization=cell)
    client = login(cast.users["province_staff"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"org": cell.pk, "page": 3})
    body = response.content.decode()
    assert "hơn 3 đảng viên" in body
    assert "Trang 3<" in body and "page=4" in body and "page=2" in body
    member_counts = [sql for sql in _counts(queries) if "members_member" in sql]
    assert member_counts and all(re.search(r"LIMIT\s+4\b", sql) for sql in member_counts)
    last = client.get(LIST, {"org": cell.pk, "page": 4})
    assert len(last.context["page"].object_list) == 1
    assert "page=5" not in last.content.decode()


def test_a_search_counts_to_its_own_lower_cap_and_asks_for_more_letters(
    cast, login, settings, monkeypatch
):
    """A text search counts at most SEARCH_COUNT_CAP + 1 matches (issue 21, session
    11): past it the list reads "hơn …" and asks for a narrower search; the same rows
    unsearched are counted in full (up to COUNT_CAP)."""
    settings.LIST_PAGE_SIZE = 2
    monkeypatch.setattr(req, "SEARCH_COUNT_CAP", 3)
    cell = make_org(cast.commune, name="Chi bộ Đếm")
    MemberFactory.create_batch(7, organization=cell, full_name="Nguyễn Văn Tìm")
    client = login(cast.users["province_staff"])
    with CaptureQueriesContext(connection) as queries:
        body = client.get(LIST, {"org": cell.pk, "q": "nguyen van"}).content.decode()
    assert "hơn 3 đảng viên" in body
    assert "Quá nhiều kết quả: hãy gõ thêm chữ" in body
    member_counts = [sql for sql in _counts(queries) if "members_member" in sql]
    assert member_counts and all(re.search(r"LIMIT\s+4\b", sql) for sql in member_counts)
    unsearched = client.get(LIST, {"org": cell.pk}).content.decode()
    assert "7 đảng viên" in unsearched and "hãy gõ thêm chữ" not in unsearched
    # The letters search (one query for ids and matches) shows the same cap.
    request = RequestFactory().get("/", {"q": "nguyen"})
    rows = Member.objects.filter(organization=cell).order_by("pk")
    page = req.paginate_search(request, rows, load=Member.objects.all())
    assert page.paginator.count_text == "hơn 3" and page.paginator.too_many


@pytest.mark.parametrize("members", [10, 200])
def test_capped_list_query_count_does_not_grow(
    cast, login, settings, monkeypatch, django_assert_max_num_queries, members
):
    """The same page with 10 and with 200 members over a cap of 5: same query budget."""
    monkeypatch.setattr(req, "COUNT_CAP", 5)
    settings.LIST_PAGE_SIZE = 4
    MemberFactory.create_batch(members, organization=cast.cell_a)
    client = login(cast.users["province_staff"])
    client.get(LIST)  # warm the session and caches
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"page": 2})
    assert response.status_code == 200 and len(response.context["page"].object_list) == 4


@pytest.mark.parametrize("cap", [100, 4])
@pytest.mark.parametrize("number", [None, "1", "2", "3", "4", "9", "0", "-3", "abc", "2.0"])
def test_paginate_search_gives_the_pages_of_paginate(cast, settings, monkeypatch, cap, number):
    """`paginate_search` (one query for the ids and the number of matches, issue 21)
    serves the same page as `paginate` for any page number, below and above the cap."""
    settings.LIST_PAGE_SIZE = 3
    monkeypatch.setattr(req, "COUNT_CAP", cap)
    cell = make_org(cast.commune, name="Chi bộ Tìm")
    MemberFactory.create_batch(8, organization=cell)
    rows = Member.objects.filter(organization=cell).order_by("-pk")
    request = RequestFactory().get("/", {} if number is None else {"page": number})
    want = req.paginate(request, rows)
    got = req.paginate_search(request, rows, load=Member.objects.filter(organization=cell))
    assert [m.pk for m in got.object_list] == [m.pk for m in want.object_list]
    assert got.number == want.number
    assert (got.has_next(), got.has_previous()) == (want.has_next(), want.has_previous())
    assert (got.start_index(), got.end_index()) == (want.start_index(), want.end_index())
    assert got.paginator.count == want.paginator.count
    assert got.paginator.count_text == want.paginator.count_text
    assert got.paginator.capped == (cap == 4)


def test_paginate_search_reads_ids_and_count_in_one_query_then_the_rows(cast, settings):
    settings.LIST_PAGE_SIZE = 3
    cell = make_org(cast.commune, name="Chi bộ Tìm")
    MemberFactory.create_batch(8, organization=cell)
    rows = Member.objects.filter(organization=cell).order_by("pk")
    request = RequestFactory().get("/", {"page": "2"})
    with CaptureQueriesContext(connection) as queries:
        page = req.paginate_search(request, rows, load=Member.objects.filter(organization=cell))
    assert len(queries) == 2 and "OVER ()" in queries[0]["sql"].upper()
    assert page.paginator.count == 8 and len(page.object_list) == 3
    empty = req.paginate_search(RequestFactory().get("/"), rows.none(), load=Member.objects.none())
    assert empty.paginator.count == 0 and list(empty.object_list) == [] and empty.number == 1


def test_paginate_by_ids_gives_paginates_pages_in_as_many_queries(cast, settings):
    """`paginate_by_ids` (issue 21): the same pages, rows and order as `paginate`, the
    select_related kept, in the same number of queries; the page query selects the rows
    by the LIMITed ids and does not repeat the filters."""
    settings.LIST_PAGE_SIZE = 2
    for name in ["Bùi Ba", "Bùi Ba", "An Ai", "Cao Cả", "Bùi Ba"]:
        MemberFactory(full_name=name, organization=cast.cell_a)
    rows = (
        Member.objects.filter(organization__path__startswith=cast.commune.path)
        .select_related("organization")
        .order_by("search_name", "id")
    )
    total = rows.count()
    for number in ["1", "2", "3", str(total), "x"]:
        request = RequestFactory().get("/", {"page": number})
        with CaptureQueriesContext(connection) as plain_queries:
            plain = req.paginate(request, rows)
            plain_rows = [(m.pk, m.organization.name) for m in plain.object_list]
        with CaptureQueriesContext(connection) as queries:
            page = req.paginate_by_ids(request, rows)
            by_ids = [(m.pk, m.organization.name) for m in page.object_list]
        assert by_ids == plain_rows and page.number == plain.number
        assert page.paginator.count == plain.paginator.count == total
        assert page.has_next() == plain.has_next()
        assert len(queries) == len(plain_queries)
        loading = [q["sql"] for q in queries if "COUNT(" not in q["sql"].upper()][-1]
        assert loading.count("LIKE") == 1  # the scope is read once, in the ids subquery


def test_a_floor_above_the_cap_spares_the_count(cast):
    """`at_least` (a summary counter of a subset of the rows) above the cap says "more
    than the cap" without a query; at or below it the rows are counted as before."""
    cell = make_org(cast.commune, name="Chi bộ Đếm")
    MemberFactory.create_batch(6, organization=cell)
    rows = Member.objects.filter(organization=cell).order_by("pk")
    above = req.CappedPaginator(rows, 2, cap=4, at_least=5)
    with CaptureQueriesContext(connection) as queries:
        assert above.count == 5 and above.capped and above.count_text == "hơn 4"
    assert not _counts(queries)
    page3 = above.get_page(3)
    assert len(page3.object_list) == 2 and not page3.has_next()
    at_cap = req.CappedPaginator(rows, 2, cap=6, at_least=6)
    with CaptureQueriesContext(connection) as queries:
        assert at_cap.count == 6 and not at_cap.capped
    assert len(_counts(queries)) == 1


@pytest.mark.parametrize(
    ("params", "unfiltered"),
    [
        ({}, True),
        ({"q": "", "org": "", "status": ""}, True),
        ({"q": "an"}, False),
        ({"status": "active"}, False),
        ({"status": "no-such-status"}, False),
    ],
)
def test_a_filterset_knows_when_it_filters_nothing(cast, params, unfiltered):
    from lienhe.members.filters import MemberFilter

    filterset = MemberFilter(params or None, queryset=Member.objects.all())
    assert filterset.unfiltered is unfiltered


@pytest.mark.parametrize(
    ("url", "table", "text"),
    [
        (LIST, "members_member", "đảng viên"),
        (reverse("liaison:list"), "liaison_introduction", "giấy"),
    ],
)
def test_an_unfiltered_list_of_a_large_scope_counts_nothing(
    cast, login, settings, monkeypatch, url, table, text
):
    """Unfiltered, the member and letter lists of a scope whose summaries already hold
    more rows than the cap show "hơn N" without counting rows; filtered, they count."""
    from tests.liaison.helpers import letter

    settings.LIST_PAGE_SIZE = 2
    monkeypatch.setattr(req, "COUNT_CAP", 3)
    cell = make_org(cast.commune, name="Chi bộ Đếm")
    for member in MemberFactory.create_batch(5, organization=cast.agency_cell, is_working=True):
        letter(cast, "issued", member=member, residence=cell)
    client = login(cast.users["province_staff"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count_text == "hơn 3"
    assert f"hơn 3 {text}" in response.content.decode()
    assert not [sql for sql in _counts(queries) if table in sql]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"org": cell.pk})
    assert [sql for sql in _counts(queries) if table in sql]


def test_the_floor_is_asked_for_a_province_scope_only(cast):
    """A province's lists read the summaries' floor; a commune's do not (they stay
    under the cap, so the query would be spent for nothing)."""
    from lienhe.summaries.services import count_floor

    MemberFactory.create_batch(3, organization=cast.cell_a)
    keys = [f"members.{s}" for s in Member.Status]
    in_province = Member.objects.filter(organization__path__startswith=cast.province.path)
    assert count_floor(cast.users["province_staff"], "members:read", keys) == in_province.count()
    with CaptureQueriesContext(connection) as queries:
        assert count_floor(cast.users["commune_staff"], "members:read", keys) is None
    assert not [q for q in queries if "summaries" in q["sql"]]
