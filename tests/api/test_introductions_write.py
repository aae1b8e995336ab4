"""Introduction letters through the API: issue, hand in, accept, close."""

import datetime as dt

from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.liaison.models import Introduction
from tests.liaison.helpers import letter


def test_issue_a_letter_numbers_it_and_sets_the_deadline(cast, api_as):
    client = api_as("agency_staff")
    body = {"member": cast.members["w1"].pk, "residence_org": cast.cell_a.pk}
    response = client.post("/introductions", body)
    assert response.status_code == 201, response.json()
    intro = Introduction.objects.get(pk=response.json()["id"])
    assert intro.state == "issued" and intro.number and intro.due_on > intro.issued_on
    assert intro.workplace_org == cast.agency and intro.residence_org == cast.cell_a
    assert response.json()["number"] == intro.number
    assert AuditEvent.objects.filter(action="liaison.letter.issued").exists()
    again = client.post("/introductions", body)
    assert again.status_code == 422 and again.json()["code"] == "business_rule"
    assert "đã có giấy giới thiệu chưa kết thúc" in again.json()["message"]


def test_issue_is_refused_outside_scope_and_without_the_right(cast, api_as):
    body = {"member": cast.members["w1"].pk, "residence_org": cast.cell_a.pk}
    assert api_as("commune_staff").post("/introductions", body).status_code == 404
    assert api_as("viewer").post("/introductions", body).status_code == 403
    not_working = {"member": cast.members["a1"].pk, "residence_org": cast.cell_b.pk}
    refused = api_as("commune_staff").post("/introductions", not_working)
    assert refused.status_code == 422
    assert "không phải đảng viên đang công tác" in refused.json()["message"]
    future = {**body, "issued_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}
    late = api_as("agency_staff").post("/introductions", future)
    assert late.status_code == 422 and late.json()["message"] == "Ngày cấp không được sau hôm nay."
    assert not Introduction.objects.exists()


def test_residence_side_hands_in_then_accepts(cast, api_as):
    intro = letter(cast, "issued")
    client = api_as("secretary_a")
    # the workplace cannot confirm the hand-in: it is the residence cell's step
    wrong_side = api_as("agency_staff").post(
        f"/introductions/{intro.pk}/handin", {"handed_in_on": timezone.localdate().isoformat()}
    )
    assert wrong_side.status_code == 403
    stale = client.post(
        f"/introductions/{intro.pk}/handin",
        {"handed_in_on": timezone.localdate().isoformat()},
        HTTP_IF_MATCH=f'"{intro.version - 1}"',
    )
    assert stale.status_code == 412
    done = client.post(
        f"/introductions/{intro.pk}/handin",
        {"handed_in_on": timezone.localdate().isoformat()},
        HTTP_IF_MATCH=f'"{intro.version}"',
    )
    assert done.status_code == 200, done.json()
    assert done.json()["state"] == "handed_in" and done["ETag"] == f'"{intro.version + 1}"'
    accepted = client.post(f"/introductions/{intro.pk}/accept", {"cell": cast.cell_a.pk})
    assert accepted.status_code == 200, accepted.json()
    intro.refresh_from_db()
    assert intro.state == "active" and intro.accepted_on == timezone.localdate()


def test_accept_validates_in_vietnamese_and_close_needs_a_side(cast, api_as):
    intro = letter(cast, "issued")
    client = api_as("secretary_a")
    bad = client.post(f"/introductions/{intro.pk}/accept", {"cell": cast.cell_a.pk})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"handed_in_on"}
    other_cell = api_as("secretary_b").post(f"/introductions/{intro.pk}/close", {"reason": "moved"})
    assert other_cell.status_code == 404
    closed = api_as("agency_staff").post(f"/introductions/{intro.pk}/close", {"reason": "retired"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert AuditEvent.objects.filter(action="liaison.letter.closed").exists()
    unknown = api_as("agency_staff").post(f"/introductions/{intro.pk}/close", {"reason": "x"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "validation_error"
