"""Issue 20 item 8: no doubled words in titles, addresses and ratings."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe.meetings.models import Meeting
from lienhe.orgs.models import AdminUnit

pytestmark = pytest.mark.django_db


def _text(body: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_meeting_heading_does_not_repeat_the_kind(cast):
    kind = str(Meeting.Kind.WORKING_MEMBERS.label)
    meeting = Meeting(
        organization=cast.cell_a, kind=Meeting.Kind.WORKING_MEMBERS, title=f"{kind} quý IV"
    )
    assert meeting.heading == f"{kind} quý IV"
    meeting.title = "Bàn việc dọn vệ sinh"
    assert meeting.heading == f"{kind}: Bàn việc dọn vệ sinh"
    meeting.title = ""
    assert meeting.heading == kind


def test_meeting_page_rating_line_is_not_doubled(cast, login):
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=timezone.now() - dt.timedelta(days=1),
        state=Meeting.State.HELD,
    )
    body = _text(login(cast.users["secretary_a"]).get(f"/sinh-hoat/{meeting.pk}/").content.decode())
    assert "Chưa đánh giá" in body and "Chưa đánh giá đánh giá" not in body


def test_issue_review_does_not_repeat_the_commune(cast, login):
    unit = AdminUnit.objects.filter(level="commune").first()
    w1 = cast.members["w1"]
    w1.home_unit = unit
    w1.home_address = f"Số 12, Tổ dân phố 1, {unit.name}"
    w1.save()
    client = login(cast.users["agency_staff"])
    page = client.post(reverse("liaison:issue"), {"step": "review", "member": [w1.pk]})
    body = page.content.decode()
    assert unit.name in body and f"{unit.name}, {unit.name}" not in body
