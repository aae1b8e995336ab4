"""Organization pickers search on demand (issue 21): list filters render a text box
backed by `orgs:pick`, never a <select> with every organization of the scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe.orgs.models import Organization
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def _pick(client, **params):
    response = client.get(reverse("orgs:pick"), params)
    assert response.status_code == 200
    return response.json()


def test_folded_name_is_kept_on_save_and_rename(cast):
    assert cast.other_cell.search_name == "chi bo thon dong"
    cast.other_cell.name = "Chi bộ thôn Đoài"
    cast.other_cell.save(update_fields=["name"])
    cast.other_cell.refresh_from_db()
    assert cast.other_cell.search_name == "chi bo thon doai"


def test_pick_finds_without_diacritics_inside_the_scope_only(cast, login):
    province = login(cast.users["province_staff"])
    names = [r["name"] for r in _pick(province, q="thon dong")["results"]]
    assert names == ["Chi bộ thôn Đông"]
    row = _pick(province, q="to dan pho 1")["results"][0]
    assert row == {
        "id": cast.cell_a.pk,
        "name": "Chi bộ Tổ dân phố 1",
        "parent": "Đảng bộ phường Một",
    }
    # The commune's staff do not see the other commune's cells.
    commune = login(cast.users["commune_staff"])
    assert _pick(commune, q="thon dong")["results"] == []
    assert {r["id"] for r in _pick(commune, q="chi bo")["results"]} == {
        cast.cell_a.pk,
        cast.cell_b.pk,
    }


def test_pick_limits_depth_and_reports_more(cast, login):
    for i in range(25):
        make_org(cast.other_commune, name=f"Chi bộ thôn Bắc {i + 1}", kind="cell")
    client = login(cast.users["province_staff"])
    data = _pick(client, q="thon bac")
    assert len(data["results"]) == 20 and data["more"] is True
    shallow = _pick(client, q="dang bo", sau=2)["results"]
    assert shallow and all(Organization.objects.get(pk=r["id"]).depth <= 2 for r in shallow)
    assert cast.province.pk not in {r["id"] for r in _pick(client, q="xa hai", sau=2)["results"]}


def test_pick_queries_do_not_grow_with_the_tree(cast, login):
    client = login(cast.users["province_staff"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            _pick(client, q="chi bo")
        return len(ctx.captured_queries)

    for i in range(10):
        make_org(cast.other_commune, name=f"Chi bộ xóm {i}", kind="cell")
    ten = count()
    for i in range(190):
        make_org(cast.other_commune, name=f"Chi bộ xóm {i + 10}", kind="cell")
    assert count() == ten


def test_member_list_has_no_select_of_organizations(cast, login):
    for i in range(30):
        make_org(cast.commune, name=f"Chi bộ khu phố {i}", kind="cell")
    body = login(cast.users["province_staff"]).get(reverse("members:list")).content.decode()
    assert 'name="org_ten"' in body and 'role="combobox"' in body
    assert "Chi bộ khu phố 7" not in body
    assert not re.search(r'<select[^>]*name="org"', body)


def test_member_list_filters_by_chosen_id_and_shows_its_name(cast, login):
    client = login(cast.users["province_staff"])
    response = client.get(reverse("members:list"), {"org": cast.other_commune.pk})
    names = {m.full_name for m in response.context["filter"].qs}
    assert names == {
        m.full_name
        for m in cast.members.values()
        if m.organization.path.startswith(cast.other_commune.path)
    }
    assert 'value="Đảng bộ xã Hai"' in response.content.decode()


def test_without_js_a_typed_name_filters_when_one_organization_matches(cast, login):
    client = login(cast.users["province_staff"])
    response = client.get(reverse("members:list"), {"org": "", "org_ten": "xa hai"})
    names = {m.full_name for m in response.context["filter"].qs}
    assert names and names == {
        m.full_name
        for m in cast.members.values()
        if m.organization.path.startswith(cast.other_commune.path)
    }


def test_without_js_an_ambiguous_name_offers_the_matches(cast, login):
    client = login(cast.users["province_staff"])
    response = client.get(reverse("members:list"), {"org": "", "org_ten": "to dan pho"})
    body = response.content.decode()
    assert "Nhiều tổ chức có tên như" in body
    assert f'type="radio" name="org" value="{cast.cell_a.pk}"' in body
    assert f'type="radio" name="org" value="{cast.cell_b.pk}"' in body
    # Picking one of the radio buttons (the hidden id is empty, no label) filters by it.
    response = client.get(
        reverse("members:list"), [("org", ""), ("org_ten", "to dan pho"), ("org", cast.cell_b.pk)]
    )
    assert {m.organization_id for m in response.context["filter"].qs} == {cast.cell_b.pk}


def test_a_retyped_name_replaces_the_chosen_organization(cast, login):
    client = login(cast.users["province_staff"])
    response = client.get(
        reverse("members:list"),
        {"org": cast.cell_a.pk, "org_nhan": "Chi bộ Tổ dân phố 1", "org_ten": "thon dong"},
    )
    assert {m.organization_id for m in response.context["filter"].qs} == {cast.other_cell.pk}


def test_an_organization_outside_the_scope_is_refused(cast, login):
    MemberFactory(organization=cast.other_cell)
    client = login(cast.users["commune_staff"])
    response = client.get(reverse("members:list"), {"org": cast.other_cell.pk})
    assert response.status_code == 200
    assert not any(m.organization_id == cast.other_cell.pk for m in response.context["filter"].qs)
    response = client.get(reverse("members:list"), {"org_ten": "thon dong"})
    assert "Không có tổ chức nào tên" in response.content.decode()


@pytest.mark.parametrize(
    "url_name", ["liaison:list", "petitions:list", "away:list", "meetings:list"]
)
def test_other_lists_use_the_picker(cast, login, url_name):
    body = login(cast.users["province_staff"]).get(reverse(url_name)).content.decode()
    assert "data-org-picker" in body
    assert not re.search(r'<select[^>]*name="(org|organization)"', body)
