"""Soft delete of petitions (issue 10): a reason is required, the petition leaves
lists and the report, it can be restored, only writers of its cell may do either,
and every step is in the audit log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.petitions import services
from lienhe.petitions.models import Category, Petition
from lienhe.petitions.views_admin import report_data


@pytest.fixture
def petition(cast):
    return services.create_petition(
        organization=cast.cell_a,
        summary="Cống ngõ 7 tắc nhập hai lần",
        category=Category.objects.get(code="infrastructure"),
        source_type=Petition.Source.STAFF,
    )


def received(cast) -> int:
    today = timezone.localdate()
    data = report_data(cast.commune, today.replace(day=1), today, cast.users["admin"])
    return data["totals"]["received"]


def test_delete_needs_a_reason(cast, petition, login):
    http = login(cast.users["secretary_a"])
    url = reverse("petitions:delete", args=[petition.pk])
    assert "Lý do xóa" in http.get(url).text
    response = http.post(url, {"reason": ""})
    assert response.status_code == 200 and "Hãy ghi lý do xóa." in response.text
    assert Petition.objects.filter(pk=petition.pk).exists()


def test_deleted_petition_leaves_list_and_report_then_comes_back(cast, petition, login):
    secretary = cast.users["secretary_a"]
    http = login(secretary)
    assert received(cast) == 1
    assert "Xóa (nhập nhầm)" in http.get(reverse("petitions:detail", args=[petition.pk])).text
    response = http.post(reverse("petitions:delete", args=[petition.pk]), {"reason": "Nhập trùng"})
    assert response.status_code == 302
    assert "Cống ngõ 7" not in http.get(reverse("petitions:list")).text
    assert received(cast) == 0
    assert http.get(reverse("petitions:detail", args=[petition.pk])).status_code == 404
    assert "Cống ngõ 7" in http.get(reverse("petitions:deleted")).text

    assert http.post(reverse("petitions:restore", args=[petition.pk])).status_code == 302
    assert received(cast) == 1
    assert "Cống ngõ 7" in http.get(reverse("petitions:list")).text
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(petition.pk),
            action__in=["petitions.petition.deleted", "petitions.petition.restored"],
        )
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("petitions.petition.deleted", secretary.pk),
        ("petitions.petition.restored", secretary.pk),
    ]


@pytest.mark.parametrize("role, status", [("outsider", 404), ("handler", 404), ("viewer", 403)])
def test_outsiders_and_readers_cannot_delete(cast, petition, login, role, status):
    response = login(cast.users[role]).post(
        reverse("petitions:delete", args=[petition.pk]), {"reason": "Thử"}
    )
    assert response.status_code == status
    assert Petition.objects.filter(pk=petition.pk).exists()


def test_deleted_page_query_count(cast, login, django_assert_max_num_queries):
    for i in range(5):
        p = services.create_petition(
            organization=cast.cell_a,
            summary=f"Kiến nghị {i}",
            category=Category.objects.get(code="infrastructure"),
            source_type=Petition.Source.STAFF,
        )
        services.delete_petition(p, actor=cast.users["admin"], reason="Nhập trùng")
    http = login(cast.users["commune_staff"])
    with django_assert_max_num_queries(15):
        page = http.get(reverse("petitions:deleted"))
    assert page.text.count("Khôi phục") >= 5
