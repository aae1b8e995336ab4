"""Module read endpoints: same scoping as the web (visible_to), pagination, ETag."""

from lienhe.api.endpoints.modules import REGISTERED
from lienhe.meetings.models import Attendance
from tests.liaison.helpers import letter
from tests.meetings.helpers import make_meeting


def test_every_landed_module_has_read_endpoints():
    assert {"introductions", "meetings", "visits", "petitions", "away-periods"} <= set(REGISTERED)
    assert {"comments", "reviews"} <= set(REGISTERED)


def test_meetings_are_scoped_filtered_and_paginated(cast, api_as):
    mine = make_meeting(cast.cell_a, title="Họp tháng")
    make_meeting(cast.cell_b)
    other = make_meeting(cast.other_cell)
    client = api_as("secretary_a")
    body = client.get("/meetings").json()
    assert [m["id"] for m in body["items"]] == [mine.pk]
    assert client.get(f"/meetings/{other.pk}").status_code == 404
    detail = client.get(f"/meetings/{mine.pk}")
    assert detail.status_code == 200 and detail["ETag"] == f'"{mine.version}"'
    assert "search_text" not in detail.json()
    province = api_as("province_staff")
    first = province.get("/meetings", {"limit": 2}).json()
    rest = province.get("/meetings", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    under = province.get("/meetings", {"org": cast.other_commune.pk}).json()
    assert [m["id"] for m in under["items"]] == [other.pk]
    year = province.get("/meetings", {"year": mine.year - 1}).json()
    assert year["items"] == []


def test_meeting_attendance_follows_the_meeting_scope(cast, api_as):
    meeting = make_meeting(cast.cell_a)
    Attendance.objects.create(meeting=meeting, member=cast.members["a1"], status="present")
    rows = api_as("secretary_a").get(f"/meetings/{meeting.pk}/attendance").json()["items"]
    assert [r["member"] for r in rows] == [cast.members["a1"].pk]
    assert api_as("secretary_b").get(f"/meetings/{meeting.pk}/attendance").status_code == 404


def test_introductions_visible_to_both_sides_only(cast, api_as):
    intro = letter(cast)
    assert api_as("agency_staff").get(f"/introductions/{intro.pk}").status_code == 200
    assert api_as("outsider").get(f"/introductions/{intro.pk}").status_code == 404
    assert api_as("outsider").get("/introductions").json()["items"] == []


def test_module_lists_answer_every_role_without_error(cast, api_as):
    for role in ("admin", "member", "visitor", "handler", "outsider"):
        client = api_as(role)
        for path in REGISTERED:
            assert client.get(f"/{path}").status_code == 200, (role, path)


def test_module_list_query_count_is_bounded(cast, api_as, django_assert_max_num_queries):
    for _ in range(30):
        make_meeting(cast.cell_a)
    client = api_as("province_staff")
    client.get("/me")  # the first request of a token also stamps last_used_at
    for path in REGISTERED:
        with django_assert_max_num_queries(8):
            assert client.get(f"/{path}", {"limit": 50}).status_code == 200
