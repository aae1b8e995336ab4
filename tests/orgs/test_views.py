"""Organization pages: tree, detail with children counts, and the create / edit /
move / merge / dissolve / policy journeys."""

import datetime as dt

import pytest
from django.urls import reverse

from lienhe.members.models import Member
from lienhe.orgs import services
from lienhe.orgs.models import Organization, Policy
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_tree_redirects_to_the_single_scope_root(cast, login):
    response = login(cast.users["commune_staff"]).get(reverse("orgs:tree"))
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", kwargs={"pk": cast.commune.pk})


def test_tree_lists_roots_for_superuser_with_several(cast, login):
    make_org(None, name="Đảng bộ tỉnh Khác", kind="province")
    response = login(cast.users["admin"]).get(reverse("orgs:tree"))
    assert response.status_code == 200
    assert "Đảng bộ tỉnh Thử" in _text(response) and "Đảng bộ tỉnh Khác" in _text(response)


def test_detail_shows_children_with_real_counts(cast, login):
    MemberFactory(organization=cast.cell_b, is_working=True, employer="Trường học")
    MemberFactory(organization=cast.cell_b, status=Member.Status.TRANSFERRED)
    response = login(cast.users["province_staff"]).get(
        reverse("orgs:detail", kwargs={"pk": cast.commune.pk})
    )
    assert response.status_code == 200
    children = {c.pk: c.figures for c in response.context["children"]}
    assert children[cast.cell_a.pk] == {"members": 2, "working": 0, "cells": 1}
    # Transferred-out members are not counted.
    assert children[cast.cell_b.pk] == {"members": 2, "working": 1, "cells": 1}
    assert response.context["totals"] == {"members": 4, "working": 1}
    body = _text(response)
    assert "Tổ chức trực thuộc (2)" in body
    assert "Đảng bộ tỉnh Thử" in body  # breadcrumb
    assert "Quy định áp dụng" in body and "Mặc định" in body


def test_cell_detail_counts_only_active_members(cast, login):
    MemberFactory(organization=cast.cell_a, status=Member.Status.DECEASED)
    response = login(cast.users["secretary_a"]).get(
        reverse("orgs:detail", kwargs={"pk": cast.cell_a.pk})
    )
    assert response.context["totals"] == {"members": 2, "working": 0}
    assert "Sửa / đổi tên" not in _text(response)  # a cell officer cannot edit the tree


def test_member_sees_own_cell_without_subtree_details(cast, login):
    response = login(cast.users["member"]).get(
        reverse("orgs:detail", kwargs={"pk": cast.agency_cell.pk})
    )
    assert response.status_code == 200
    assert response.context["children"] == [] and response.context["policies"] == {}


@pytest.mark.parametrize("members", [10, 200])
def test_detail_query_count_does_not_grow(cast, login, django_assert_max_num_queries, members):
    MemberFactory.create_batch(members, organization=cast.cell_a)
    for i in range(5):
        make_org(cast.commune, name=f"Chi bộ thêm {i}", kind="cell")
    client = login(cast.users["province_staff"])
    url = reverse("orgs:detail", kwargs={"pk": cast.province.pk})
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_create_child_journey(cast, login):
    client = login(cast.users["commune_staff"])
    url = reverse("orgs:create_child", kwargs={"pk": cast.commune.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "code": "TDP3",
            "name": "Chi bộ Tổ dân phố 3",
            "kind": "cell",
            "side": "residence",
            "meeting_day": "5",
        },
    )
    org = Organization.objects.get(code="TDP3")
    assert response["Location"] == reverse("orgs:detail", kwargs={"pk": org.pk})
    assert org.path.startswith(cast.commune.path)


def test_create_child_errors_in_vietnamese_keep_typed_values(cast, login):
    client = login(cast.users["commune_staff"])
    url = reverse("orgs:create_child", kwargs={"pk": cast.commune.pk})
    response = client.post(
        url,
        {
            "code": cast.cell_a.code,
            "name": "Chi bộ Tổ dân phố 9",
            "kind": "cell",
            "side": "residence",
            "meeting_day": "31",
        },
    )
    body = _text(response)
    assert response.status_code == 200
    assert "Mã tổ chức này đã được dùng." in body
    assert "Ngày sinh hoạt định kỳ phải từ 1 đến 28" in body
    assert 'value="Chi bộ Tổ dân phố 9"' in body
    response = client.post(url, {"code": "", "name": "", "kind": "cell", "side": "residence"})
    assert "Trường này là bắt buộc." in _text(response)


def test_edit_rename_and_stale_version(cast, login):
    client = login(cast.users["commune_staff"])
    url = reverse("orgs:edit", kwargs={"pk": cast.cell_a.pk})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "id"}
    data.update(name="Chi bộ Khu phố 1", version=form.initial.get("version") or 1)
    data["admin_unit"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    assert Organization.objects.get(pk=cast.cell_a.pk).name == "Chi bộ Khu phố 1"
    detail = _text(client.get(reverse("orgs:detail", kwargs={"pk": cast.cell_a.pk})))
    assert "Đổi tên: Chi bộ Tổ dân phố 1 → Chi bộ Khu phố 1" in detail
    # The same (now stale) form posted again is refused and keeps the typed name.
    data["name"] = "Chi bộ Khu phố Một"
    response = client.post(url, data)
    assert response.status_code == 200
    body = _text(response)
    assert "vừa được người khác sửa" in body and 'value="Chi bộ Khu phố Một"' in body
    assert Organization.objects.get(pk=cast.cell_a.pk).name == "Chi bộ Khu phố 1"


def test_move_journey_and_error(cast, login):
    client = login(cast.users["province_staff"])
    url = reverse("orgs:move", kwargs={"pk": cast.cell_b.pk})
    response = client.get(url)
    targets = set(response.context["form"].fields["new_parent"].queryset)
    assert cast.other_commune in targets and cast.cell_a not in targets
    response = client.post(url, {"new_parent": cast.other_commune.pk})
    assert response.status_code == 302
    moved = Organization.objects.get(pk=cast.cell_b.pk)
    assert moved.path.startswith(cast.other_commune.path)
    # Choosing a node outside the allowed list is a form error, not a crash.
    response = client.post(
        reverse("orgs:move", kwargs={"pk": cast.commune.pk}), {"new_parent": cast.cell_a.pk}
    )
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ." in _text(response)
    assert response.context["form"].errors["new_parent"]


def test_move_across_scopes_is_forbidden(cast, login):
    client = login(cast.users["commune_staff"])
    response = client.post(
        reverse("orgs:move", kwargs={"pk": cast.cell_b.pk}), {"new_parent": cast.other_commune.pk}
    )
    assert response.status_code == 200  # not offered: the other commune is out of scope
    assert Organization.objects.get(pk=cast.cell_b.pk).path.startswith(cast.commune.path)


def test_merge_journey_requires_confirmation(cast, login):
    client = login(cast.users["commune_staff"])
    url = reverse("orgs:merge", kwargs={"pk": cast.cell_b.pk})
    response = client.post(url, {"target": cast.cell_a.pk})
    assert response.status_code == 200 and "bắt buộc" in _text(response)
    response = client.post(url, {"target": cast.cell_a.pk, "confirm": "on"})
    assert response["Location"] == reverse("orgs:detail", kwargs={"pk": cast.cell_a.pk})
    assert Member.objects.get(pk=cast.members["b1"].pk).organization_id == cast.cell_a.pk
    merged = client.get(reverse("orgs:detail", kwargs={"pk": cast.cell_b.pk}))
    assert "Đã hợp nhất" in _text(merged)


def test_merge_page_only_for_cells(cast, login):
    client = login(cast.users["province_staff"])
    assert client.get(reverse("orgs:merge", kwargs={"pk": cast.commune.pk})).status_code == 403


def test_dissolve_blocked_message_then_success(cast, login):
    client = login(cast.users["commune_staff"])
    url = reverse("orgs:dissolve", kwargs={"pk": cast.cell_a.pk})
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200
    assert "Còn 2 đảng viên đang sinh hoạt" in _text(response)
    Member.objects.filter(organization=cast.cell_a).update(status=Member.Status.TRANSFERRED)
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert not Organization.objects.get(pk=cast.cell_a.pk).is_active


def test_policy_journey(cast, login):
    client = login(cast.users["province_staff"])
    url = reverse("orgs:policy", kwargs={"pk": cast.commune.pk})
    response = client.get(url + "?key=petition_answer_days")
    assert response.status_code == 200
    assert response.context["form"].initial["key"] == "petition_answer_days"
    response = client.post(
        url,
        {
            "key": "petition_answer_days",
            "value": "10",
            "effective_from": "01/01/2026",
            "source": "Quy định 05-QĐ/ĐU",
        },
    )
    assert response.status_code == 302
    row = Policy.objects.get(organization=cast.commune, key="petition_answer_days")
    assert row.value == 10 and row.effective_from == dt.date(2026, 1, 1)
    assert services.effective_policy(cast.cell_a, "petition_answer_days") == 10
    detail = _text(client.get(reverse("orgs:detail", kwargs={"pk": cast.cell_a.pk})))
    assert "Quy định 05-QĐ/ĐU" in detail


def test_policy_errors_keep_typed_values(cast, login):
    client = login(cast.users["province_staff"])
    url = reverse("orgs:policy", kwargs={"pk": cast.commune.pk})
    response = client.post(
        url,
        {
            "key": "petition_answer_days",
            "value": "mười",
            "effective_from": "31/02/2026",
            "source": "QĐ 7",
        },
    )
    body = _text(response)
    assert response.status_code == 200
    assert "Tham số này cần một số nguyên." in body
    assert 'value="mười"' in body and 'value="QĐ 7"' in body
    assert not Policy.objects.exists()
