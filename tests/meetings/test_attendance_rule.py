"""Issue 15, finding 6: the API applies the web's rule on attendance. A plain member
sees the totals and his own status; every row is for `meetings:read` at the cell."""

import pytest
from django.test import Client
from django.urls import reverse

from lienhe.api.services import create_token
from lienhe.meetings import selectors
from lienhe.meetings.models import Attendance
from tests.factories import MemberFactory

from .helpers import make_meeting

pytestmark = pytest.mark.django_db


def _api_rows(user, meeting) -> list[int]:
    _token, raw = create_token(user, "thử nghiệm")
    response = Client().get(
        f"/api/v1/meetings/{meeting.pk}/attendance", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200, response.content[:300]
    return sorted(row["member"] for row in response.json()["items"])


@pytest.fixture
def meeting(cast):
    meeting = make_meeting(cast.agency_cell, title="Họp chi bộ tháng 11")
    colleague = MemberFactory(full_name="Vũ Thị Hạnh", organization=cast.agency_cell)
    Attendance.objects.create(meeting=meeting, member=cast.members["w1"], status="present")
    Attendance.objects.create(
        meeting=meeting, member=colleague, status="excused", note="Ốm, nằm viện"
    )
    meeting.colleague = colleague
    return meeting


def test_a_plain_member_reads_only_his_own_row_on_web_and_api(cast, login, meeting):
    dangvien = cast.users["member"]
    own = cast.members["w1"]
    assert not selectors.reads_all_attendance(dangvien, meeting)
    assert _api_rows(dangvien, meeting) == [own.pk]
    web = login(dangvien)
    assert web.get(reverse("meetings:roll_call", args=[meeting.pk])).status_code == 403
    page = web.get(reverse("meetings:detail", args=[meeting.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vũ Thị Hạnh" not in html and "Ốm, nằm viện" not in html
    assert page.context["counts"]["excused"] == 1  # the totals stay
    assert page.context["own_attendance"].member_id == own.pk


def test_readers_of_the_cell_see_every_row_on_web_and_api(cast, login, meeting):
    staff = cast.users["agency_staff"]
    everyone = sorted([cast.members["w1"].pk, meeting.colleague.pk])
    assert selectors.reads_all_attendance(staff, meeting)
    assert _api_rows(staff, meeting) == everyone
    page = login(staff).get(reverse("meetings:detail", args=[meeting.pk]))
    assert "Vũ Thị Hạnh" in page.content.decode()
