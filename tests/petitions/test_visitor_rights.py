"""Issue 15, finding 4: the committee member (`uyvien`, role `visitor`) reads the
petitions of his province but writes only those he recorded from his visit reports.
Every POST/PATCH he makes on another petition is refused and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from lienhe.api.services import create_token
from lienhe.petitions import services
from lienhe.petitions.models import Petition

from .world import category, make_petition

pytestmark = pytest.mark.django_db


def _api(user):
    _token, raw = create_token(user, "thử nghiệm")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def call(method, path, body, **extra):
        return getattr(client, method)(
            f"/api/v1{path}", body, content_type="application/json", **auth, **extra
        )

    return call


def _snapshot(pk):
    p = Petition.all_objects.get(pk=pk)
    return (p.version, p.summary, p.place, p.state, p.deleted_at, p.attachments.count())


def _visit_petition(cast):
    return make_petition(
        cast.cell_a,
        summary="Cống thoát nước khu chợ bị tắc",
        source_type=Petition.Source.VISIT,
        raised_by_kind=Petition.RaisedBy.VISITOR,
        raised_by_user=cast.users["visitor"],
    )


def test_visitor_posts_on_a_petition_he_did_not_record_are_refused(cast, login):
    visitor = cast.users["visitor"]
    web = login(visitor)
    others = {
        "staff": make_petition(cast.cell_a),
        "other_cell": make_petition(cast.other_cell, summary="Trạm y tế xã xuống cấp"),
        # heard in someone else's visit report
        "other_visit": make_petition(
            cast.cell_b,
            summary="Sạt lở bờ kè đoạn thôn Đông",
            source_type=Petition.Source.VISIT,
            raised_by_user=cast.users["province_staff"],
        ),
    }
    deleted = make_petition(cast.cell_b, summary="Nhập trùng một kiến nghị")
    services.delete_petition(deleted, actor=None, reason="Nhập trùng")
    before_count = Petition.all_objects.count()
    for p in [*others.values(), deleted]:
        before = _snapshot(p.pk)
        for name, data in [
            ("edit", {"summary": "Sửa trộm", "category": category().pk, "people_count": 1}),
            ("delete", {"reason": "Không cần nữa"}),
            ("restore", {}),
            ("close", {"note": "Đồng ý"}),
            ("reopen", {"reason": "Chưa đạt"}),
            ("split", {"parts": "Một\nHai"}),
            ("attach", {}),
        ]:
            response = web.post(reverse(f"petitions:{name}", args=[p.pk]), data)
            assert response.status_code in (403, 404), (name, p.summary, response.status_code)
        api = _api(visitor)
        assert api(
            "patch", f"/petitions/{p.pk}", {"place": "Ngõ 9", "version": p.version}
        ).status_code in (403, 404)
        for step, body in [("close", {"note": "x"}), ("reopen", {"reason": "Chưa đạt"})]:
            assert api("post", f"/petitions/{p.pk}/{step}", body).status_code in (403, 404)
        assert _snapshot(p.pk) == before
    # nor a new petition, on the web or through the API
    body = {
        "organization": cast.cell_b.pk,
        "summary": "Kiến nghị do cấp ủy viên tự nhập",
        "category": category().pk,
        "people_count": 3,
        "raised_by_kind": "cell",
        "priority": "normal",
        "received_on": "01/12/2026",
    }
    assert web.post(reverse("petitions:create"), body).status_code == 403
    assert (
        _api(visitor)("post", "/petitions", {**body, "received_on": "2026-12-01"}).status_code
        == 403
    )
    assert Petition.all_objects.count() == before_count
    # reading stays as the docs say: the province's petitions
    assert web.get(reverse("petitions:detail", args=[others["other_cell"].pk])).status_code == 200


def test_visitor_writes_the_petition_he_recorded_from_his_visit(cast, login):
    visitor = cast.users["visitor"]
    own = _visit_petition(cast)
    assert services.can_write_petition(visitor, own)
    response = _api(visitor)(
        "patch", f"/petitions/{own.pk}", {"place": "Ngõ 9"}, HTTP_IF_MATCH=f'"{own.version}"'
    )
    assert response.status_code == 200, response.content[:300]
    own.refresh_from_db()
    assert own.place == "Ngõ 9"
    web = login(visitor)
    response = web.post(reverse("petitions:delete", args=[own.pk]), {"reason": "Ghi trùng"})
    assert response.status_code == 302
    assert Petition.all_objects.get(pk=own.pk).deleted_at is not None
    listing = web.get(reverse("petitions:deleted")).content.decode()
    assert own.summary in listing
    assert web.post(reverse("petitions:restore", args=[own.pk])).status_code == 302
    assert Petition.objects.filter(pk=own.pk).exists()
    # the same petition, staff-entered with him as the one who raised it, is not his record
    other = make_petition(cast.cell_a, raised_by_user=visitor)
    assert not services.can_write_petition(visitor, other)
