"""Issue 20 item 11: a petition answer is shown on the next meeting's page, not only
inside "Lập biên bản"."""

import datetime as dt

import pytest
from django.utils import timezone

from lienhe.meetings.models import Meeting
from lienhe.petitions import services
from tests.petitions.world import agency, assigned, petition  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _categories(db):
    from lienhe.petitions.models import Category

    # A transactional test may have flushed the migration's categories.
    Category.objects.get_or_create(code="infrastructure", defaults={"name": "Giao thông"})


def test_petition_answer_is_on_the_next_meeting_page(cast, assigned, login):  # noqa: F811
    services.answer_petition(assigned, answer="Đã sửa xong đoạn đường 300 m.")
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=timezone.now() + dt.timedelta(days=7),
    )
    body = login(cast.users["secretary_a"]).get(f"/sinh-hoat/{meeting.pk}/").content.decode()
    assert "Thông báo lại tại buổi sinh hoạt" in body
    assert "Đã sửa xong đoạn đường 300 m." in body
