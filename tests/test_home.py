"""Home dashboard: real figures of the user's subtree, bounded queries."""

import pytest
from django.urls import reverse

from lienhe.members.models import Member
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def _figures(login, user):
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    return response, response.context["figures"]


def test_province_staff_sees_whole_province(cast, login):
    MemberFactory(organization=cast.cell_a, status=Member.Status.TRANSFERRED)
    response, figures = _figures(login, cast.users["province_staff"])
    assert figures == {"members": 5, "working": 1, "organizations": 8, "cells": 4}
    body = response.content.decode()
    assert "đảng viên đang công tác (20,00%)" in body


def test_commune_staff_sees_their_commune_only(cast, login):
    MemberFactory(organization=cast.cell_b, is_working=True, employer="Bệnh viện tỉnh")
    _response, figures = _figures(login, cast.users["commune_staff"])
    assert figures == {"members": 4, "working": 1, "organizations": 3, "cells": 2}


def test_dissolved_organizations_are_not_counted(cast, login):
    make_org(cast.commune, name="Chi bộ cũ", kind="cell", is_active=False)
    _response, figures = _figures(login, cast.users["commune_staff"])
    assert figures["organizations"] == 3 and figures["cells"] == 2


def test_superuser_sees_everything(cast, login):
    _response, figures = _figures(login, cast.users["admin"])
    assert figures == {"members": 5, "working": 1, "organizations": 8, "cells": 4}


def test_member_without_rights_gets_a_link_to_their_record(cast, login):
    response, figures = _figures(login, cast.users["member"])
    assert figures is None
    url = reverse("members:detail", kwargs={"pk": cast.members["w1"].pk})
    assert url in response.content.decode()


def test_outsider_is_told_to_ask_for_a_role(cast, login):
    response, figures = _figures(login, cast.users["outsider"])
    assert figures is None
    assert not response.context["panels"]
    assert "chưa được giao vai trò" in response.content.decode()


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("members", [10, 200])
def test_home_query_count_does_not_grow(cast, login, django_assert_max_num_queries, members):
    MemberFactory.create_batch(members, organization=cast.cell_a)
    client = login(cast.users["province_staff"])
    # The foundation's figures take 2 queries; modules' home panels add a few each
    # (notify's failed-deliveries count for operators: 1).
    with django_assert_max_num_queries(41):
        response = client.get(reverse("home"))
    assert response.context["figures"]["members"] == 5 + members


def test_foundation_pages_issue_the_same_queries_for_10_and_200_members(cast, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.users["province_staff"])
    urls = [
        reverse("home"),
        reverse("members:list"),
        reverse("members:list") + "?q=nguyen",
        reverse("orgs:detail", kwargs={"pk": cast.province.pk}),
        reverse("orgs:detail", kwargs={"pk": cast.commune.pk}),
    ]

    def counts():
        result = {}
        for url in urls:
            client.get(url)  # the session row is written on the first request
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result[url] = len(ctx.captured_queries)
        return result

    MemberFactory.create_batch(5, organization=cast.cell_a)
    small = counts()
    MemberFactory.create_batch(95, organization=cast.cell_a)
    MemberFactory.create_batch(95, organization=cast.cell_b, is_working=True, employer="Sở")
    assert counts() == small
