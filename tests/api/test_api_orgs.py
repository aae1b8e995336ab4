def test_me_lists_roles_and_permissions(cast, api_as):
    body = api_as("secretary_a").get("/me").json()
    assert body["username"] == "bithu"
    assert body["member_id"] == cast.members["a2"].pk
    assert body["roles"][0]["organization_id"] == cast.cell_a.pk
    assert "members:read" in body["permissions"]


def test_org_list_is_the_visible_subtree_in_tree_order(cast, api_as):
    body = api_as("commune_staff").get("/organizations").json()
    names = [o["name"] for o in body["items"]]
    assert names == ["Đảng bộ phường Một", "Chi bộ Tổ dân phố 1", "Chi bộ Tổ dân phố 2"]
    assert body["items"][1]["parent_id"] == cast.commune.pk


def test_org_search_without_diacritics_and_subtree(cast, api_as):
    client = api_as("province_staff")
    found = client.get("/organizations", {"q": "to dan pho 2"}).json()["items"]
    assert [o["id"] for o in found] == [cast.cell_b.pk]
    under = client.get("/organizations", {"under": cast.agency.pk}).json()["items"]
    assert [o["id"] for o in under] == [cast.agency.pk, cast.agency_cell.pk]


def test_org_children_and_detail(cast, api_as):
    client = api_as("province_staff")
    children = client.get(f"/organizations/{cast.province.pk}/children").json()["items"]
    assert {o["id"] for o in children} == {cast.commune.pk, cast.other_commune.pk, cast.agency.pk}
    detail = client.get(f"/organizations/{cast.cell_a.pk}")
    assert detail.status_code == 200 and detail["ETag"] == '"1"'
    assert detail.json()["meeting_day"] == 5


def test_org_outside_scope_is_404(cast, api_as):
    assert api_as("commune_staff").get(f"/organizations/{cast.agency.pk}").status_code == 404


def test_org_pagination(cast, api_as):
    client = api_as("province_staff")
    first = client.get("/organizations", {"limit": 5}).json()
    second = client.get("/organizations", {"limit": 5, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 5 and len(second["items"]) == 3
    assert second["next_cursor"] is None
