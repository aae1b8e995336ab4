"""Soft delete of meetings (issue 10): a reason is required, the meeting disappears
from lists, reports and the API, it can be restored, only writers of its cell may do
either, and every step is in the audit log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe.api.services import create_token
from lienhe.audit.models import AuditEvent
from lienhe.meetings import selectors, services
from lienhe.meetings.models import Meeting
from tests.meetings.helpers import make_meeting

pytestmark = pytest.mark.usefixtures("mid_year_clock")


@pytest.fixture
def held(cast):
    meeting = make_meeting(cast.cell_a, title="Họp nhầm ngày", state=Meeting.State.HELD)
    return meeting


def held_total(cast) -> int:
    year = timezone.localdate().year
    return sum(row["total"] for row in selectors.held_counts_by_cell(cast.commune, year).values())


def test_delete_needs_a_reason(cast, held, login):
    http = login(cast.users["secretary_a"])
    url = reverse("meetings:delete", args=[held.pk])
    page = http.get(url)
    assert page.status_code == 200 and "Lý do xóa" in page.text
    response = http.post(url, {"reason": "   "})
    assert response.status_code == 200 and "Hãy ghi lý do xóa." in response.text
    assert Meeting.objects.filter(pk=held.pk).exists()
    with pytest.raises(services.MeetingError, match="lý do"):
        services.delete_meeting(held, actor=cast.users["secretary_a"], reason="")


def test_deleted_meeting_leaves_list_report_and_api_then_restore_brings_it_back(cast, held, login):
    secretary = cast.users["secretary_a"]
    http = login(secretary)
    assert held_total(cast) == 1
    response = http.post(reverse("meetings:delete", args=[held.pk]), {"reason": "Nhập trùng"})
    assert response.status_code == 302 and response["Location"] == reverse("meetings:list")

    listing = http.get(reverse("meetings:list") + "?when=all")
    assert "Họp nhầm ngày" not in listing.text
    assert held_total(cast) == 0
    assert http.get(reverse("meetings:detail", args=[held.pk])).status_code == 404
    report = http.get(reverse("meetings:report"))
    assert report.status_code == 200
    _token, raw = create_token(secretary, "thử")
    api = http.get("/api/v1/meetings", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert held.pk not in [m["id"] for m in api["items"]]

    deleted_page = http.get(reverse("meetings:deleted"))
    assert "Họp nhầm ngày" in deleted_page.text and "Nhập trùng" in deleted_page.text

    back = http.post(reverse("meetings:restore", args=[held.pk]))
    assert back.status_code == 302
    assert held_total(cast) == 1
    assert "Họp nhầm ngày" in http.get(reverse("meetings:list") + "?when=all").text
    assert "Họp nhầm ngày" not in http.get(reverse("meetings:deleted")).text

    events = list(
        AuditEvent.objects.filter(object_id=str(held.pk), action__startswith="meetings.meeting.")
        .order_by("id")
        .values_list("action", "actor_id", "data")
    )
    assert events[-2][:2] == ("meetings.meeting.deleted", secretary.pk)
    assert events[-2][2] == {"reason": "Nhập trùng"}
    assert events[-1][:2] == ("meetings.meeting.restored", secretary.pk)
    assert events[-1][2]["reason"] == "Nhập trùng"


@pytest.mark.parametrize(
    "role, status", [("outsider", 404), ("secretary_b", 404), ("viewer", 403), ("visitor", 403)]
)
def test_only_writers_of_the_cell_delete_or_restore(cast, held, login, role, status):
    http = login(cast.users[role])
    response = http.post(reverse("meetings:delete", args=[held.pk]), {"reason": "Thử"})
    assert response.status_code == status
    assert Meeting.objects.filter(pk=held.pk).exists()
    services.delete_meeting(held, actor=cast.users["admin"], reason="Nhập trùng")
    assert http.post(reverse("meetings:restore", args=[held.pk])).status_code == status
    assert not Meeting.objects.filter(pk=held.pk).exists()


def test_deleted_page_shows_only_own_scope(cast, login, django_assert_max_num_queries):
    admin = cast.users["admin"]
    for i in range(5):
        services.delete_meeting(make_meeting(cast.cell_a, title=f"A{i}"), actor=admin, reason="x")
    services.delete_meeting(make_meeting(cast.other_cell, title="Ngoài"), actor=admin, reason="x")
    http = login(cast.users["secretary_a"])
    with django_assert_max_num_queries(15):
        page = http.get(reverse("meetings:deleted"))
    assert page.text.count("Khôi phục") >= 5 and "Ngoài" not in page.text


def test_regular_month_of_a_deleted_meeting_is_not_recreated(cast):
    day = timezone.localdate() + dt.timedelta(days=40)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(19, 30)))
    meeting = services.plan_meeting(cast.cell_a, kind=Meeting.Kind.REGULAR, planned_at=at)
    services.delete_meeting(meeting, actor=None, reason="Nhập nhầm tháng")
    with pytest.raises(services.MeetingError, match="khôi phục"):
        services.plan_meeting(cast.cell_a, kind=Meeting.Kind.REGULAR, planned_at=at)
    services.generate_schedule([cast.cell_a], start=day.replace(day=1), months=1)
    assert Meeting.all_objects.filter(organization=cast.cell_a, period=meeting.period).count() == 1
