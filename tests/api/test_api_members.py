import pytest

from lienhe.audit.models import AuditEvent
from lienhe.members.models import Member


def _ids(response):
    return {m["id"] for m in response.json()["items"]}


def test_member_list_is_scoped_like_the_web(cast, api_as):
    commune = api_as("commune_staff").get("/members")
    assert commune.status_code == 200
    m = cast.members
    assert _ids(commune) == {m["a1"].pk, m["a2"].pk, m["b1"].pk}
    province = api_as("province_staff").get("/members")
    assert _ids(province) == {x.pk for x in m.values()}


def test_member_list_needs_members_read_somewhere(cast, api_as):
    response = api_as("member").get("/members")
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "Bạn không có quyền thực hiện thao tác này.",
    }


def test_member_sees_own_record_but_not_others(cast, api_as):
    client = api_as("member")
    assert client.get(f"/members/{cast.members['w1'].pk}").status_code == 200
    other = client.get(f"/members/{cast.members['a1'].pk}")
    assert other.status_code == 404 and other.json()["code"] == "not_found"


def test_search_without_diacritics_and_filters(cast, api_as):
    client = api_as("province_staff")
    assert _ids(client.get("/members", {"q": "tran thi binh"})) == {cast.members["a2"].pk}
    assert _ids(client.get("/members", {"org": cast.cell_b.pk})) == {cast.members["b1"].pk}
    assert _ids(client.get("/members", {"is_working": "true"})) == {cast.members["w1"].pk}
    assert _ids(client.get("/members", {"status": "deceased"})) == set()


def test_filter_by_org_outside_scope_is_404(cast, api_as):
    response = api_as("commune_staff").get("/members", {"org": cast.other_cell.pk})
    assert response.status_code == 404


def test_cursor_pagination_walks_every_member_once(cast, api_as, django_assert_max_num_queries):
    client = api_as("province_staff")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(8):
            body = client.get("/members", params).json()
        seen += [m["id"] for m in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 5


def test_bad_cursor_is_a_clear_400(cast, api_as):
    response = api_as("province_staff").get("/members", {"cursor": "%%%"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def test_detail_has_etag_from_version(cast, api_as):
    response = api_as("commune_staff").get(f"/members/{cast.members['a1'].pk}")
    assert response["ETag"] == '"1"'
    assert response.json()["birth_date"] == "1980-05-17"
    assert response.json()["dossier"] is True


def test_patch_with_if_match_updates_through_the_service(cast, api_as):
    client = api_as("commune_staff")
    member = cast.members["a1"]
    response = client.patch(f"/members/{member.pk}", {"phone": "0912 345 678"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'
    member.refresh_from_db()
    assert member.phone == "0912345678" and member.version == 2
    assert AuditEvent.objects.filter(
        action="members.member.updated", object_id=str(member.pk)
    ).exists()


def test_stale_if_match_is_412_and_nothing_changes(cast, api_as):
    client = api_as("commune_staff")
    member = cast.members["a1"]
    assert (
        client.patch(f"/members/{member.pk}", {"employer": "A"}, HTTP_IF_MATCH='"1"').status_code
        == 200
    )
    stale = client.patch(f"/members/{member.pk}", {"employer": "B"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    member.refresh_from_db()
    assert member.employer == "A"


def test_update_without_precondition_is_428(cast, api_as):
    response = api_as("commune_staff").patch(f"/members/{cast.members['a1'].pk}", {"employer": "X"})
    assert response.status_code == 428


def test_update_needs_write_right_on_the_member(cast, api_as):
    viewer = api_as("viewer").patch(
        f"/members/{cast.members['a1'].pk}", {"employer": "X"}, HTTP_IF_MATCH='"1"'
    )
    assert viewer.status_code == 403
    outside = api_as("commune_staff").patch(
        f"/members/{cast.members['o1'].pk}", {"employer": "X"}, HTTP_IF_MATCH='"1"'
    )
    assert outside.status_code == 404


def test_put_replaces_the_record_with_version_in_body(cast, api_as):
    member = cast.members["b1"]
    body = {
        "card_number": member.card_number,
        "full_name": "Lê Văn Cường",
        "birth_date": "1975-02-03",
        "gender": "male",
        "joined_on": "2000-01-01",
        "organization_id": cast.cell_a.pk,
        "version": 1,
    }
    response = api_as("commune_staff").put(f"/members/{member.pk}", body)
    assert response.status_code == 200, response.json()
    member.refresh_from_db()
    assert member.organization == cast.cell_a and str(member.birth_date) == "1975-02-03"


def test_create_member_validates_in_vietnamese(cast, api_as):
    client = api_as("commune_staff")
    body = {
        "card_number": "12",
        "full_name": "Đỗ Thị Hoa",
        "birth_date": "1990-01-01",
        "gender": "female",
        "joined_on": "2015-05-19",
        "organization_id": cast.cell_a.pk,
    }
    bad = client.post("/members", body)
    assert bad.status_code == 422
    fields = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert "8 đến 12 chữ số" in fields["card_number"]
    body["card_number"] = "0123 4567 89"
    created = client.post("/members", body)
    assert created.status_code == 201, created.json()
    assert Member.objects.get(card_number="0123456789").organization == cast.cell_a
    duplicate = client.post("/members", body)
    assert duplicate.status_code in (409, 422)


def test_create_member_in_a_cell_outside_scope_is_refused(cast, api_as):
    body = {
        "card_number": "55555555",
        "full_name": "Vũ Văn E",
        "birth_date": "1990-01-01",
        "gender": "male",
        "joined_on": "2015-05-19",
        "organization_id": cast.other_cell.pk,
    }
    response = api_as("commune_staff").post("/members", body)
    assert response.status_code == 422
    assert not Member.objects.filter(card_number="55555555").exists()
    response = api_as("secretary_a").post("/members", {**body, "organization_id": cast.cell_a.pk})
    assert response.status_code == 403


@pytest.mark.parametrize("bad", ["abc", "-1", "99999999999999999999999"])
def test_weird_ids_never_500(cast, api_as, bad):
    response = api_as("province_staff").get(f"/members/{bad}")
    assert response.status_code in (404, 422)
