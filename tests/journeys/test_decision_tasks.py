"""Issue 20 item 11: a decision of the minutes becomes a task for a working member
in one step from the meeting page; the member sees it on his home page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe.liaison.models import LocalTask
from lienhe.meetings import decisions, services
from lienhe.meetings.models import DecisionTask, Meeting
from tests.factories import MemberFactory
from tests.liaison.helpers import letter

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 10, 21, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

DECISIONS = "1. Vận động bà con giữ vệ sinh đường làng\n\n- Hòa giải vụ tranh chấp lối đi tổ 3\n"


def _meeting(cast):
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.WORKING_MEMBERS,
        planned_at=NOW - dt.timedelta(hours=2),
    )
    services.save_minutes(
        meeting,
        expected_version=None,
        actor=cast.users["secretary_a"],
        chair="Trần Thị Bình",
        resolutions=DECISIONS,
    )
    return meeting


def test_decision_lines_drop_bullets_and_blank_lines(cast):
    with time_machine.travel(NOW, tick=False):
        meeting = _meeting(cast)
    assert decisions.decision_lines(meeting.minutes) == [
        "Vận động bà con giữ vệ sinh đường làng",
        "Hòa giải vụ tranh chấp lối đi tổ 3",
    ]


@time_machine.travel(NOW, tick=False)
def test_a_decision_becomes_a_task_the_member_sees_at_home(cast, login):
    intro = letter(cast, "active")
    meeting = _meeting(cast)
    secretary = login(cast.users["secretary_a"])
    page = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    # One form per decision, offering the working member of the cell.
    assert page.count(f'action="/sinh-hoat/{meeting.pk}/giao-viec/"') == 2
    assert f'<option value="{intro.pk}">Hoàng Minh Đức</option>' in page

    answer = secretary.post(
        reverse("meetings:decision_task", args=[meeting.pk]),
        {
            "decision": "Hòa giải vụ tranh chấp lối đi tổ 3",
            "introduction": intro.pk,
            "due_on": "10/07/2026",
            "kind": "mediation",
        },
    )
    assert answer.status_code == 302
    task = LocalTask.objects.get(introduction=intro)
    assert (task.title, task.kind, task.due_on) == (
        "Hòa giải vụ tranh chấp lối đi tổ 3",
        "mediation",
        dt.date(2026, 7, 10),
    )
    assert "10/06/2026" in task.note
    assert DecisionTask.objects.get(task=task).meeting == meeting

    page = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "→ Đã giao cho Hoàng Minh Đức, hạn 10/07/2026" in page

    home = login(cast.users["member"]).get("/").content.decode()
    assert "Việc chi bộ nơi cư trú giao" in home
    assert "Hòa giải vụ tranh chấp lối đi tổ 3 — hạn 10/07/2026" in home


@time_machine.travel(NOW, tick=False)
def test_the_same_decision_twice_or_a_foreign_line_is_refused_with_input_kept(cast, login):
    intro = letter(cast, "active")
    meeting = _meeting(cast)
    secretary = login(cast.users["secretary_a"])
    url = reverse("meetings:decision_task", args=[meeting.pk])
    data = {
        "decision": "Vận động bà con giữ vệ sinh đường làng",
        "introduction": intro.pk,
        "due_on": "10/07/2026",
        "kind": "campaign",
    }
    assert secretary.post(url, data).status_code == 302
    again = secretary.post(url, data)
    assert again.status_code == 200
    assert "Kết luận này đã giao cho đồng chí Hoàng Minh Đức." in again.content.decode()
    assert 'value="10/07/2026"' in again.content.decode()
    foreign = secretary.post(url, {**data, "decision": "Việc không có trong biên bản"})
    assert "Kết luận này không có trong biên bản buổi sinh hoạt." in foreign.content.decode()
    past = secretary.post(
        url, {**data, "decision": "Hòa giải vụ tranh chấp lối đi tổ 3", "due_on": "01/06/2026"}
    )
    assert "Hạn hoàn thành không được trước hôm nay." in past.content.decode()
    assert LocalTask.objects.filter(introduction=intro).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_member_of_another_cell_cannot_be_given_the_decision(cast, login):
    other = MemberFactory(full_name="Đặng Thu Hà", organization=cast.agency_cell, is_working=True)
    intro = letter(cast, "active", member=other, residence=cast.cell_b)
    meeting = _meeting(cast)
    answer = login(cast.users["secretary_a"]).post(
        reverse("meetings:decision_task", args=[meeting.pk]),
        {
            "decision": "Hòa giải vụ tranh chấp lối đi tổ 3",
            "introduction": intro.pk,
            "due_on": "10/07/2026",
            "kind": "other",
        },
    )
    assert answer.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ." in answer.content.decode()
    assert not LocalTask.objects.filter(introduction=intro).exists()


@time_machine.travel(NOW, tick=False)
def test_meeting_page_queries_do_not_grow_with_the_tasks_given(cast, login):
    meeting = _meeting(cast)

    def give(n):
        for i in range(n):
            member = MemberFactory(
                full_name=f"Đảng viên {len(DecisionTask.objects.all()) + i}",
                organization=cast.agency_cell,
                is_working=True,
            )
            intro = letter(cast, "active", member=member)
            decisions.task_from_decision(
                meeting,
                decision="Vận động bà con giữ vệ sinh đường làng",
                introduction=intro,
                due_on=dt.date(2026, 7, 10),
                actor=cast.users["secretary_a"],
            )

    client = login(cast.users["secretary_a"])
    url = reverse("meetings:detail", args=[meeting.pk])
    give(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    give(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


@time_machine.travel(NOW, tick=False)
def test_the_letter_options_are_the_same_under_every_decision_escaped_and_sorted(cast, login):
    """The <option>s are built once per page (issue 21): each decision's form offers
    every live letter of the cell, by name, with the name escaped."""
    first = letter(cast, "active")
    odd = letter(
        cast,
        "active",
        member=MemberFactory(
            full_name="An <b>Văn</b> & Tí", organization=cast.agency_cell, is_working=True
        ),
    )
    meeting = _meeting(cast)
    page = (
        login(cast.users["secretary_a"])
        .get(reverse("meetings:detail", args=[meeting.pk]))
        .content.decode()
    )
    options = (
        f'<option value="{odd.pk}">An &lt;b&gt;Văn&lt;/b&gt; &amp; Tí</option>'
        f'<option value="{first.pk}">Hoàng Minh Đức</option>'
    )
    assert page.count('<option value="">— chọn đảng viên —</option>' + options) == 2
    assert "<b>Văn</b>" not in page
