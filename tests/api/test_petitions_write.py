"""Petitions through the API: record, edit (If-Match), route, answer, close."""

from lienhe.audit.models import AuditEvent
from lienhe.petitions.models import Petition
from tests.petitions.world import agency, category, make_petition  # noqa: F401


def _body(cast, **extra):
    return {
        "organization": cast.cell_a.pk,
        "summary": "Đèn chiếu sáng ngõ 5 hỏng nhiều tháng",
        "category": category().pk,
        "people_count": 12,
        **extra,
    }


def test_record_a_petition_goes_through_the_service(cast, api_as):
    response = api_as("secretary_a").post("/petitions", _body(cast))
    assert response.status_code == 201, response.json()
    petition = Petition.objects.get(pk=response.json()["id"])
    assert petition.source_type == "staff" and petition.state == "new"
    assert petition.created_by == cast.users["secretary_a"]
    assert response.json()["people_count"] == 12
    event = AuditEvent.objects.get(action="petitions.petition.created", object_id=str(petition.pk))
    assert event.actor == cast.users["secretary_a"]


def test_record_validates_and_is_scoped(cast, api_as):
    other = api_as("secretary_a").post("/petitions", _body(cast, organization=cast.other_cell.pk))
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "organization"
    assert api_as("handler").post("/petitions", _body(cast)).status_code == 403
    empty = api_as("secretary_a").post("/petitions", _body(cast, summary="", people_count=0))
    assert empty.status_code == 422
    fields = {e["field"]: e["message"] for e in empty.json()["errors"]}
    assert fields["people_count"] == "Phải lớn hơn hoặc bằng 1."
    assert not Petition.objects.exists()


def test_edit_needs_the_current_version(cast, api_as):
    petition = make_petition(cast.cell_a)
    client = api_as("secretary_a")
    assert client.patch(f"/petitions/{petition.pk}", {"place": "Ngõ 5"}).status_code == 428
    stale = client.patch(f"/petitions/{petition.pk}", {"place": "Ngõ 5", "version": 99})
    assert stale.status_code == 412
    done = client.patch(
        f"/petitions/{petition.pk}", {"place": "Ngõ 5"}, HTTP_IF_MATCH=f'"{petition.version}"'
    )
    assert done.status_code == 200, done.json()
    petition.refresh_from_db()
    assert petition.place == "Ngõ 5" and petition.summary.startswith("Đường liên thôn")
    assert (
        api_as("secretary_b").patch(f"/petitions/{petition.pk}", {"version": 1}).status_code == 404
    )


def test_route_answer_and_close_by_the_right_people(cast, api_as, agency):  # noqa: F811
    agency.handlers.add(cast.users["handler"])
    petition = make_petition(cast.cell_a)
    # a cell secretary records petitions but does not route them
    refused = api_as("secretary_a").post(f"/petitions/{petition.pk}/assign", {"agency": agency.pk})
    assert refused.status_code == 403
    routed = api_as("commune_staff").post(f"/petitions/{petition.pk}/assign", {"agency": agency.pk})
    assert routed.status_code == 200, routed.json()
    assert routed.json()["state"] == "assigned" and routed.json()["agency"] == agency.pk
    handler = api_as("handler")
    short = handler.post(f"/petitions/{petition.pk}/answer", {"answer": "Đã xong"})
    assert short.status_code == 422 and short.json()["code"] == "validation_error"
    answered = handler.post(
        f"/petitions/{petition.pk}/answer",
        {"answer": "Đã thay bóng đèn và sửa đường dây ngõ 5 ngày 20/11."},
    )
    assert answered.status_code == 200, answered.json()
    assert answered.json()["state"] == "answered"
    assert handler.post(f"/petitions/{petition.pk}/close", {}).status_code == 403
    closed = api_as("secretary_a").post(f"/petitions/{petition.pk}/close", {"note": "Đồng ý"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    again = api_as("secretary_a").post(f"/petitions/{petition.pk}/close", {})
    assert again.status_code == 422
    assert again.json()["message"] == "Chỉ kết thúc được kiến nghị đã có trả lời."
