"""Home page "what needs me today" for each role (issue 11): every role sees its items,
each with its deadline and days left."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lienhe.liaison.models import LocalTask
from lienhe.meetings.models import Attendance, Meeting
from lienhe.petitions import services as petition_services
from lienhe.petitions.models import Agency, Petition
from lienhe.reviews.constants import Purpose, ReviewLevel
from lienhe.reviews.models import ResidenceComment, YearReview
from lienhe.visits.models import Visit
from tests.liaison.helpers import letter, task
from tests.meetings.helpers import at, make_meeting
from tests.petitions.world import make_petition
from tests.visits.world import world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def home(login, user) -> str:
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_secretary_sees_pending_roll_calls_and_overdue_tasks(cast, login):
    make_meeting(cast.cell_a, at(TODAY - dt.timedelta(days=3)))
    t = task(cast)
    LocalTask.objects.filter(pk=t.pk).update(due_on=TODAY - dt.timedelta(days=2))
    body = home(login, cast.users["secretary_a"])
    assert "Việc cần làm hôm nay" in body
    assert "buổi sinh hoạt đã qua chưa điểm danh" in body
    assert "việc giao cho đảng viên đang công tác đã quá hạn" in body
    assert "quá hạn 2 ngày" in body
    # Sibling cell B's secretary has none of cell A's items.
    assert "buổi sinh hoạt đã qua chưa điểm danh" not in home(login, cast.users["secretary_b"])


def test_secretary_sees_committee_members_announced_to_attend_without_visits_read(cast, login):
    w = world(cast)
    Visit.objects.create(
        committee_member=w.visitor_cm, cell=cast.cell_a, planned_on=TODAY + dt.timedelta(days=4)
    )
    body = home(login, cast.users["secretary_a"])
    assert "cấp ủy viên sẽ dự sinh hoạt" in body
    assert "Vũ Văn Ủy" in body and "còn 4 ngày" in body
    assert "cấp ủy viên sẽ dự sinh hoạt" not in home(login, cast.users["secretary_b"])
    # The window opens nothing else of the visits module.
    client = login(cast.users["secretary_a"])
    assert client.get(reverse("visits:plan")).status_code == 403


def test_secretary_keeps_module_panels_letters_comments_away_petitions(cast, login):
    letter(cast, "handed_in")
    p = make_petition(cast.cell_a)
    agency = Agency.objects.create(name="UBND phường", kind="local")
    p = petition_services.assign(p, agency, actor=cast.users["commune_staff"])
    Petition.objects.filter(pk=p.pk).update(state=Petition.State.ANSWERED)
    body = home(login, cast.users["secretary_a"])
    assert "giấy đến chờ tiếp nhận" in body
    assert "Kiến nghị" in body and "Đảng viên đi làm ăn xa" in body


def _sent_comment(cast, conclusion=0, today=None):
    today = today or TODAY
    return ResidenceComment.objects.create(
        member=cast.members["w1"],
        year=today.year,
        purpose=Purpose.YEARLY,
        residence_org=cast.cell_a,
        workplace_org=cast.agency_cell,
        requested_via="workplace",
        due_on=today + dt.timedelta(days=10),
        state=ResidenceComment.State.SENT,
        conclusion=conclusion,
        sent_at=timezone.now() - dt.timedelta(days=2),
    )


@pytest.fixture
def late_november():
    """The clock pinned where three monthly absences fit in the current year."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=VN), tick=False):
        yield dt.date(2026, 11, 20)


def test_workplace_staff_sees_comments_reviews_conflicts_and_absences(late_november, cast, login):
    today = late_november
    _sent_comment(cast, conclusion=2, today=today)
    w1 = cast.members["w1"]
    YearReview.objects.create(
        member=w1,
        year=today.year,
        organization=w1.organization,
        state=YearReview.State.PROPOSED,
        proposal_level=ReviewLevel.GOOD,
    )
    for days in (40, 70, 100):
        m = make_meeting(cast.cell_a, at(today - dt.timedelta(days=days)))
        assert m.year == today.year
        Meeting.objects.filter(pk=m.pk).update(state=Meeting.State.HELD)
        Attendance.objects.create(
            meeting=m, member=w1, status=Attendance.Status.ABSENT, is_working_member=True
        )
    body = home(login, cast.users["agency_staff"])
    assert "nhận xét của chi bộ nơi cư trú đã nhận trong 30 ngày qua" in body
    assert "đề xuất xếp loại của chi bộ chờ cấp ủy quyết định" in body
    assert "đề xuất khác nhận xét nơi cư trú, cần giải trình" in body
    assert "Hoàng Minh Đức</a>: vắng 3 lần" in body
    # A meeting deleted as entered by mistake no longer counts as an absence.
    from lienhe.meetings.services import delete_meeting

    first = Meeting.objects.filter(organization=cast.cell_a, year=today.year).first()
    delete_meeting(first, actor=cast.users["secretary_a"], reason="Nhập nhầm")
    assert "Hoàng Minh Đức</a>: vắng 3 lần" not in home(login, cast.users["agency_staff"])
    # The residence commune staff have no workplace items.
    assert (
        "cần giải trình"
        not in home(login, cast.users["commune_staff"]).split("Cảnh báo trong phạm vi phụ trách")[0]
    )


def test_member_sees_own_tasks_meetings_and_fees(cast, login):
    t = task(cast)
    body = home(login, cast.users["member"])
    assert "việc chi bộ nơi cư trú giao cho tôi" in body
    assert t.title in body and "còn 7 ngày" in body
    assert "Lịch sinh hoạt sắp tới" in body
    assert "Đảng viên đi làm ăn xa" in body  # fees balance lives in that panel


def test_committee_member_sees_next_visits_reports_due_and_quota(cast, login):
    world(cast)
    body = home(login, cast.users["visitor"])
    assert "Dự sinh hoạt chi bộ năm" in body
    assert "Cảnh báo trong phạm vi phụ trách" not in body


@pytest.mark.parametrize("role", ["province_staff", "commune_staff", "viewer"])
def test_board_sees_top_red_flags_linking_to_the_record(cast, login, role):
    intro = letter(cast, "issued", residence=cast.cell_b)
    from lienhe.liaison.models import Introduction

    Introduction.objects.filter(pk=intro.pk).update(due_on=TODAY - dt.timedelta(days=9))
    body = home(login, cast.users[role])
    assert "Cảnh báo trong phạm vi phụ trách" in body
    assert reverse("liaison:detail", args=[intro.pk]) in body
    assert "quá hạn 9 ngày" in body


def test_secretary_has_no_board_panel(cast, login):
    assert "Cảnh báo trong phạm vi phụ trách" not in home(login, cast.users["secretary_a"])


def test_home_query_count_is_bounded_for_each_role(cast, login, django_assert_max_num_queries):
    world(cast)
    task(cast)
    for role in ("province_staff", "commune_staff", "secretary_a", "agency_staff", "member"):
        client = login(cast.users[role])
        with django_assert_max_num_queries(60):
            assert client.get(reverse("home")).status_code == 200


def test_national_home_cost_does_not_grow_with_the_number_of_provinces(cast, login):
    """A superuser watches every province: the red flags are gathered in one pass over
    the country, not once per province."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lienhe.orgs.services import create_organization

    def home_queries() -> int:
        client = login(cast.users["admin"])
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    before = home_queries()
    for i in range(4):
        province = create_organization(
            parent=None, code=f"TINHX{i}", name=f"Đảng bộ tỉnh X{i}", kind="province"
        )
        create_organization(parent=province, code=f"XAX{i}", name=f"Xã X{i}", kind="commune")
    assert home_queries() == before


def test_secretary_today_items_are_kept_until_a_write_of_their_family(cast, login):
    """The cell secretary's cached items (issue 21, session 11): a second view counts no
    roll calls or tasks; recording the overdue task's result drops the item at once, a
    write of another family (a petition) leaves the cached items alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lienhe.liaison import services as liaison_services

    make_meeting(cast.cell_a, at(TODAY - dt.timedelta(days=3)))
    t = task(cast)
    LocalTask.objects.filter(pk=t.pk).update(due_on=TODAY - dt.timedelta(days=2))
    client = login(cast.users["secretary_a"])
    first = client.get(reverse("home")).content.decode()
    assert "việc giao cho đảng viên đang công tác đã quá hạn" in first
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("home")).content.decode()
    assert "việc giao cho đảng viên đang công tác đã quá hạn" in again
    read = " ".join(q["sql"] for q in queries)
    # (The member's own open tasks are read on every view: not this count.)
    assert 'MIN("liaison_localtask"."due_on")' not in read and "meetings_meeting" not in read

    # A write the items do not read: the cached items stay (a change made behind the
    # services' back, like this update, shows after the cache's timeout).
    LocalTask.objects.filter(pk=t.pk).update(title="Việc đã đổi tên")
    make_petition(cast.cell_a, actor=cast.users["secretary_a"])
    assert "việc giao cho đảng viên đang công tác đã quá hạn" in home(
        login, cast.users["secretary_a"]
    )

    t.refresh_from_db()
    liaison_services.record_task_result(
        t, status=LocalTask.Status.DONE, expected_version=t.version, actor=cast.users["secretary_a"]
    )
    body = home(login, cast.users["secretary_a"])
    assert "việc giao cho đảng viên đang công tác đã quá hạn" not in body
    assert "buổi sinh hoạt đã qua chưa điểm danh" in body


def test_announced_visitors_are_cached_as_plain_values(cast, login):
    """The visits item is kept in the cache: it holds names and dates, not model
    instances, and a visit written through the services shows at once."""
    from lienhe.reports.today_tasks import TodayScope, _items
    from lienhe.visits.today import announced_visitors

    w = world(cast)
    Visit.objects.create(
        committee_member=w.visitor_cm, cell=cast.cell_a, planned_on=TODAY + dt.timedelta(days=4)
    )
    [entry] = announced_visitors(TodayScope(cast.users["secretary_a"], TODAY))
    assert entry["visits"][0]["committee_member"]["full_name"] == "Vũ Văn Ủy"
    assert all(
        isinstance(value, (str, int, dt.date, list, dict, type(None)))
        for _order, item in _items(TodayScope(cast.users["secretary_a"], TODAY), live=False)
        for value in item.values()
    )
