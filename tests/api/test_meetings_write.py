"""Meeting writes through the API: the web's forms, guards and services."""

import datetime as dt

from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.meetings.models import Attendance, Meeting
from tests.meetings.helpers import make_meeting


def _future(days=10):
    return (timezone.localtime() + dt.timedelta(days=days)).replace(
        hour=19, minute=30, second=0, microsecond=0
    )


def _body(cast, **extra):
    return {
        "organization": cast.cell_a.pk,
        "kind": "thematic",
        "title": "Chuyên đề quý IV",
        "planned_at": _future().isoformat(),
        **extra,
    }


def test_schedule_a_meeting_goes_through_the_service(cast, api_as):
    response = api_as("secretary_a").post("/meetings", _body(cast))
    assert response.status_code == 201, response.json()
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.organization == cast.cell_a and meeting.title == "Chuyên đề quý IV"
    assert timezone.localtime(meeting.planned_at).time() == dt.time(19, 30)
    assert response["ETag"] == f'"{meeting.version}"'
    assert response["Location"].endswith(f"/meetings/{meeting.pk}")
    event = AuditEvent.objects.get(action="meetings.meeting.planned", object_id=str(meeting.pk))
    assert event.actor == cast.users["secretary_a"]


def test_schedule_refusals_follow_the_web(cast, api_as):
    # a cell outside the writer's cells is not a choice (422), as on the web form
    other = api_as("secretary_a").post("/meetings", _body(cast, organization=cast.cell_b.pk))
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "organization"
    # a read-only role holds meetings:write nowhere → 403
    assert api_as("viewer").post("/meetings", _body(cast)).status_code == 403
    # a rule of the service → 422 business_rule with its Vietnamese message
    first = api_as("secretary_a").post("/meetings", _body(cast, kind="regular"))
    assert first.status_code == 201
    dup = api_as("secretary_a").post("/meetings", _body(cast, kind="regular"))
    assert dup.status_code == 422 and dup.json()["code"] == "business_rule"
    assert "đã có buổi sinh hoạt định kỳ" in dup.json()["message"]
    assert Meeting.objects.filter(title="Chuyên đề quý IV").count() == 1


def test_validation_errors_are_in_vietnamese(cast, api_as):
    client = api_as("secretary_a")
    thematic = client.post("/meetings", _body(cast, title=""))
    assert thematic.status_code == 422
    fields = {e["field"]: e["message"] for e in thematic.json()["errors"]}
    assert fields["title"] == "Buổi sinh hoạt chuyên đề cần có chủ đề."
    typed = client.post("/meetings", {**_body(cast), "planned_at": "mai", "kind": "party"})
    assert typed.status_code == 422 and typed.json()["code"] == "validation_error"
    fields = {e["field"]: e["message"] for e in typed.json()["errors"]}
    assert fields["planned_at"].startswith("Thời gian không hợp lệ")
    assert fields["kind"].startswith("Giá trị không hợp lệ; chọn một trong")


def test_patch_needs_if_match_and_refuses_a_stale_version(cast, api_as):
    meeting = make_meeting(cast.cell_a, when=_future(), kind=Meeting.Kind.THEMATIC, title="Cũ")
    client = api_as("secretary_a")
    etag = client.get(f"/meetings/{meeting.pk}")["ETag"]
    missing = client.patch(f"/meetings/{meeting.pk}", {"place": "Nhà văn hóa"})
    assert missing.status_code == 428
    done = client.patch(f"/meetings/{meeting.pk}", {"place": "Nhà văn hóa"}, HTTP_IF_MATCH=etag)
    assert done.status_code == 200, done.json()
    assert done.json()["place"] == "Nhà văn hóa" and done["ETag"] != etag
    assert AuditEvent.objects.filter(action="meetings.meeting.updated").exists()
    stale = client.patch(f"/meetings/{meeting.pk}", {"place": "Sân đình"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    meeting.refresh_from_db()
    assert meeting.place == "Nhà văn hóa"


def test_object_writes_are_scoped_like_the_web(cast, api_as):
    meeting = make_meeting(cast.cell_a, when=_future())
    headers = {"HTTP_IF_MATCH": f'"{meeting.version}"'}
    assert api_as("secretary_b").patch(f"/meetings/{meeting.pk}", {}, **headers).status_code == 404
    other = api_as("outsider").post(f"/meetings/{meeting.pk}/cancel", {"reason": "x"})
    assert other.status_code == 404
    viewer = api_as("viewer").patch(f"/meetings/{meeting.pk}", {"place": "A"}, **headers)
    assert viewer.status_code == 403


def test_move_and_cancel_go_through_the_services(cast, api_as):
    meeting = make_meeting(cast.cell_a, when=_future())
    client = api_as("commune_staff")
    moved = client.post(
        f"/meetings/{meeting.pk}/move",
        {"planned_at": _future(12).isoformat(), "reason": "Trùng lịch họp tổ dân phố"},
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["state"] == "moved"
    stale = client.post(f"/meetings/{meeting.pk}/cancel", {"reason": "Mưa bão", "version": 1})
    assert stale.status_code == 412
    cancelled = client.post(f"/meetings/{meeting.pk}/cancel", {"reason": "Mưa bão"})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.post(f"/meetings/{meeting.pk}/cancel", {"reason": "Mưa bão"})
    assert again.status_code == 422 and again.json()["message"] == "Buổi sinh hoạt này đã hủy."


def test_roll_call_marks_with_reasons_idempotently_and_closes(cast, api_as):
    meeting = make_meeting(cast.cell_a)
    client = api_as("secretary_a")
    body = {
        "items": [
            {"member": cast.members["a1"].pk, "status": "excused", "reason": "Ốm"},
        ]
    }
    first = client.put(f"/meetings/{meeting.pk}/attendance", body)
    assert first.status_code == 200, first.json()
    assert first.json()["changed"] == 1
    row = Attendance.objects.get(meeting=meeting, member=cast.members["a1"])
    assert (row.status, row.note, row.marked_by) == ("excused", "Ốm", cast.users["secretary_a"])
    again = client.put(f"/meetings/{meeting.pk}/attendance", body)
    assert again.json()["changed"] == 0
    closed = client.put(f"/meetings/{meeting.pk}/attendance", {"items": [], "close": True})
    assert closed.json()["closed_absent"] == 1  # a2 was not marked
    meeting.refresh_from_db()
    assert meeting.state == "held" and meeting.expected_count == 2
    assert AuditEvent.objects.filter(action="meetings.attendance.marked").count() == 1


def test_roll_call_is_all_or_nothing(cast, api_as):
    meeting = make_meeting(cast.cell_a)
    body = {
        "items": [
            {"member": cast.members["a1"].pk, "status": "present"},
            {"member": cast.members["o1"].pk, "status": "present"},
        ]
    }
    response = api_as("secretary_a").put(f"/meetings/{meeting.pk}/attendance", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items.1"
    assert "không thuộc danh sách" in response.json()["message"]
    assert not Attendance.objects.filter(meeting=meeting).exists()
    assert api_as("secretary_b").put(f"/meetings/{meeting.pk}/attendance", body).status_code == 404
    assert api_as("viewer").put(f"/meetings/{meeting.pk}/attendance", body).status_code == 403
