import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lienhe.meetings import services
from lienhe.meetings.models import Attendance, Meeting, Minutes
from tests.factories import MemberFactory, make_org

from .helpers import make_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_year_clock")]


def test_secretary_plans_a_thematic_meeting(cast, login):
    http = login(cast.users["secretary_a"])
    day = timezone.localdate() + dt.timedelta(days=10)
    response = http.post(
        reverse("meetings:create"),
        {
            "organization": cast.cell_a.pk,
            "kind": "thematic",
            "title": "Học tập Nghị quyết Đại hội",
            "date": day.strftime("%d/%m/%Y"),
            "time": "19:30",
            "place": "Nhà văn hóa tổ 1",
            "duration_minutes": 120,
        },
    )
    meeting = Meeting.objects.get(organization=cast.cell_a)
    assert response.status_code == 302 and response["Location"].endswith(f"/{meeting.pk}/")
    assert timezone.localtime(meeting.planned_at).date() == day
    page = http.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "Học tập Nghị quyết Đại hội" in page.content.decode()


def test_plan_form_keeps_input_and_explains_errors(cast, login):
    http = login(cast.users["secretary_a"])
    response = http.post(
        reverse("meetings:create"),
        {
            "organization": cast.cell_a.pk,
            "kind": "thematic",
            "title": "",
            "date": "32/13/2027",
            "time": "19:30",
            "place": "Nhà văn hóa tổ 1",
            "duration_minutes": 120,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "cần có chủ đề" in html and "Nhà văn hóa tổ 1" in html
    assert not Meeting.objects.exists()


def test_secretary_cannot_plan_for_another_cell(cast, login):
    http = login(cast.users["secretary_a"])
    response = http.post(
        reverse("meetings:create"),
        {
            "organization": cast.cell_b.pk,
            "kind": "regular",
            "date": "05/01/2027",
            "time": "19:30",
            "duration_minutes": 120,
        },
    )
    assert response.status_code == 200  # not a choice for her: form error
    assert not Meeting.objects.exists()


def test_move_with_stale_version_keeps_the_reason(cast, login):
    meeting = make_meeting(cast.cell_a, timezone.now() + dt.timedelta(days=5))
    http = login(cast.users["secretary_a"])
    services.update_meeting(meeting, expected_version=1, place="Hội trường")
    response = http.post(
        reverse("meetings:move", args=[meeting.pk]),
        {"version": 1, "date": "20/12/2027", "time": "08:00", "reason": "Trùng lịch bầu cử"},
    )
    html = response.content.decode()
    assert "vừa được người khác sửa" in html and "Trùng lịch bầu cử" in html
    response = http.post(
        reverse("meetings:move", args=[meeting.pk]),
        {"version": 2, "date": "20/12/2027", "time": "08:00", "reason": "Trùng lịch bầu cử"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "moved" and timezone.localtime(meeting.planned_at).day == 20


def test_cancel_journey(cast, login):
    meeting = make_meeting(cast.cell_a, timezone.now() + dt.timedelta(days=5))
    http = login(cast.users["secretary_a"])
    response = http.post(
        reverse("meetings:cancel", args=[meeting.pk]), {"version": 1, "reason": "Bão số 3"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "cancelled" and meeting.state_reason == "Bão số 3"


def test_roll_call_page_and_idempotent_tap(cast, login, django_assert_max_num_queries):
    meeting = make_meeting(cast.cell_a)
    for _ in range(20):
        MemberFactory(organization=cast.cell_a)
    http = login(cast.users["secretary_a"])
    with django_assert_max_num_queries(12):
        page = http.get(reverse("meetings:roll_call", args=[meeting.pk]))
    assert page.status_code == 200
    assert len(page.content) < 40_000  # small enough for 3G
    url = reverse("meetings:roll_call_tap", args=[meeting.pk])
    tap = {"member": cast.members["a1"].pk, "status": "present", "tap_id": "abc123"}
    # 20 before issue 21, incl. session, user, roles; +4 for the summaries hook on the
    # first tap (the meeting becomes held: recount its organization's meeting counters)
    with django_assert_max_num_queries(24):
        first = http.post(url, tap, HTTP_ACCEPT="application/json")
    again = http.post(url, tap, HTTP_ACCEPT="application/json")
    assert first.json()["changed"] is True and again.json()["changed"] is False
    assert again.json()["present"] == 1 and again.json()["marked"] == 1
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    bad = http.post(url, {**tap, "member": cast.members["b1"].pk}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "không thuộc danh sách" in bad.json()["error"]
    # Without JavaScript the same form posts and comes back to the list.
    plain = http.post(url, {**tap, "status": "late", "tap_id": "z"})
    assert plain.status_code == 302
    assert Attendance.objects.get(meeting=meeting, member=cast.members["a1"]).status == "late"


def test_roll_call_queries_do_not_grow_with_rows(cast, login):
    """Issue 21: the same queries for 10 and 200 rows, own members and members marked
    from outside the invited list (working members: their organization was read one
    query per row); each row's buttons show its own mark."""
    meeting = make_meeting(cast.cell_a)
    http = login(cast.users["secretary_a"])
    url = reverse("meetings:roll_call", args=[meeting.pk])

    def grow(n):
        have = Attendance.objects.filter(meeting=meeting).count()
        for i in range(have, n):
            MemberFactory(organization=cast.cell_a)
            outsider = MemberFactory(organization=cast.cell_b)
            Attendance.objects.create(
                meeting=meeting, member=outsider, status=("late", "excused")[i % 2]
            )
        http.get(url)
        with CaptureQueriesContext(connection) as ctx:
            page = http.get(url)
        assert page.status_code == 200
        return len(ctx.captured_queries), page.content.decode()

    small, _html = grow(10)
    large, html = grow(200)
    assert large == small
    assert html.count('<li class="rc-row"') >= 400
    assert html.count("<small>đang công tác</small>") == 200
    late = Attendance.objects.filter(meeting=meeting, status="late").first()
    row = html.split(f'id="m{late.member_id}"', 1)[1].split("</li>", 1)[0]
    assert 'value="late" class="rc-late" aria-pressed="true"' in row
    assert row.count('aria-pressed="true"') == 1
    assert f'action="{reverse("meetings:roll_call_tap", args=[meeting.pk])}"' in row
    assert 'name="csrfmiddlewaretoken"' in row


def test_meeting_page_queries(cast, login):
    """Issue 21: the meeting page as the province board reads 13 queries (15 before:
    the minutes are joined to the meeting, the previous meeting is a subquery of the
    answered petitions), the same with 10 and 200 attendance rows."""
    meeting = make_meeting(cast.cell_a, state=Meeting.State.HELD)
    Minutes.objects.create(meeting=meeting, resolutions="- Vệ sinh môi trường\n- Trồng cây")
    services.add_guest(meeting, full_name="Lê Văn Khách", position="Bí thư Đảng ủy xã")
    http = login(cast.users["province_staff"])
    url = reverse("meetings:detail", args=[meeting.pk])

    def grow(n):
        have = Attendance.objects.filter(meeting=meeting).count()
        for i in range(have, n):
            member = MemberFactory(organization=cast.cell_a)
            Attendance.objects.create(
                meeting=meeting,
                member=member,
                status=("present", "absent")[i % 2],
                marked_at=meeting.planned_at,
            )
        http.get(url)
        with CaptureQueriesContext(connection) as ctx:
            page = http.get(url)
        assert page.status_code == 200
        return len(ctx.captured_queries), page.content.decode()

    small, _html = grow(10)
    large, html = grow(200)
    assert small == large == 13
    assert "Lê Văn Khách" in html and "Trồng cây" in html
    marked = timezone.localtime(meeting.planned_at).strftime("%H:%M %d/%m/%Y")
    assert html.count(f'<td data-label="Lúc">{marked}</td>') == 200


def test_close_roll_call(cast, login):
    meeting = make_meeting(cast.cell_a)
    http = login(cast.users["secretary_a"])
    http.post(reverse("meetings:roll_call_close", args=[meeting.pk]))
    assert Attendance.objects.filter(meeting=meeting, status="absent").count() == 2


def test_qr_code_and_member_check_in(cast, login):
    meeting = make_meeting(cast.cell_a, timezone.now() - dt.timedelta(minutes=5))
    officer = login(cast.users["secretary_a"])
    page = officer.get(reverse("meetings:checkin_qr", args=[meeting.pk]))
    assert b"<svg" in page.content
    token = services.checkin_token(meeting)
    member_user = cast.users["secretary_a"]
    http = login(member_user)
    url = reverse("meetings:checkin", args=[token])
    assert http.get(url).status_code == 200
    assert not Attendance.objects.exists()  # a GET changes nothing
    response = http.post(url)
    assert response.status_code == 200 and "Đã ghi nhận" in response.content.decode()
    assert Attendance.objects.get(meeting=meeting).via == "qr"
    stranger = login(cast.users["secretary_b"])
    assert stranger.post(url).status_code == 400
    tampered = login(cast.users["outsider"]).get(reverse("meetings:checkin", args=[token + "x"]))
    assert tampered.status_code == 400 and tampered.context["error"]
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_minutes_guests_issues_and_pdf(cast, login):
    meeting = make_meeting(cast.cell_a)
    http = login(cast.users["secretary_a"])
    http.post(
        reverse("meetings:guest_add", args=[meeting.pk]),
        {"full_name": "Lò Văn Tâm", "position": "Tỉnh ủy viên", "organization_name": "Tỉnh ủy"},
    )
    response = http.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {
            "version": 0,
            "chair": "Trần Thị Bình",
            "secretary": "Nguyễn Văn An",
            "agenda": "1. Kiểm điểm nghị quyết tháng trước",
            "content": "Đồng chí Bí thư quán triệt",
            "opinions": "Đồng chí An nêu việc đèn đường",
            "resolutions": "Giao tổ 1 kiến nghị sửa đèn",
        },
    )
    assert response.status_code == 302
    http.post(
        reverse("meetings:issue_add", args=[meeting.pk]),
        {"summary": "Đèn đường ngõ 5 hỏng", "raised_by": "Nguyễn Văn An"},
    )
    minutes = Minutes.objects.get(meeting=meeting)
    stale = http.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {"version": minutes.version + 5, "chair": "X", "agenda": "giữ lại nội dung này"},
    )
    assert "vừa được người khác sửa" in stale.content.decode()
    assert "giữ lại nội dung này" in stale.content.decode()
    pdf = http.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    detail = http.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Lò Văn Tâm" in detail and "Đèn đường ngõ 5 hỏng" in detail


def test_self_and_higher_rating(cast, login):
    meeting = make_meeting(cast.cell_a)
    services.mark_attendance(meeting, cast.members["a1"], "present")
    http = login(cast.users["secretary_a"])
    response = http.post(
        reverse("meetings:rate", args=[meeting.pk, "self"]),
        {"checks": list(services.CHECK_POINTS), "note": "Tốt"},
    )
    assert response.status_code == 302
    higher = login(cast.users["commune_staff"])
    response = higher.post(
        reverse("meetings:rate", args=[meeting.pk, "higher"]), {"checks": ["prep_agenda"]}
    )
    assert response.status_code == 302
    assert set(meeting.ratings.values_list("by", "level")) == {
        ("self", "good"),
        ("higher", "poor"),
    }


def test_list_search_without_diacritics_filter_and_export(
    cast, login, django_assert_max_num_queries
):
    year = timezone.localdate().year
    for i in range(15):
        make_meeting(cast.cell_a, timezone.now() - dt.timedelta(days=i + 1), kind="thematic")
    make_meeting(cast.cell_b, timezone.now() - dt.timedelta(days=2), kind="thematic")
    http = login(cast.users["commune_staff"])
    with django_assert_max_num_queries(10):
        response = http.get(reverse("meetings:list"), {"q": "to dan pho 2", "when": "all"})
    assert response.context["page"].paginator.count == 1
    response = http.get(reverse("meetings:list"), {"year": year, "organization": cast.cell_a.pk})
    assert response.context["page"].paginator.count == 15
    export = http.get(reverse("meetings:export"), {"when": "all"})
    ws = load_workbook(io.BytesIO(export.content)).active
    rows = list(ws.values)[int(ws.freeze_panes[1:]) - 2 :]  # from the header row on
    assert rows[0][0] == "Chi bộ" and len(rows) == 17


def test_list_row_shows_time_link_and_kind(cast, login):
    """The row's link, time and kind are worked out once per page in the view (issue
    21); they read as the template printed them."""
    when = timezone.now() + dt.timedelta(days=3)
    meeting = make_meeting(cast.cell_a, when, kind="thematic", title="Chuyển đổi số")
    html = login(cast.users["secretary_a"]).get(reverse("meetings:list")).content.decode()
    local = timezone.localtime(when).strftime("%H:%M %d/%m/%Y")
    assert f'<a href="{reverse("meetings:detail", args=[meeting.pk])}">{local}</a>' in html
    assert '<td data-label="Loại">Sinh hoạt chuyên đề: Chuyển đổi số</td>' in html


def test_frequency_report_flags_cells_below_minimum(cast, login, django_assert_max_num_queries):
    year = timezone.localdate().year - 1  # a closed year: full minimums apply
    start = dt.date(year, 1, 1)
    services.generate_schedule([cast.cell_a], start=start, months=12, skip_past=False)
    for m in Meeting.objects.filter(organization=cast.cell_a):
        m.state = Meeting.State.HELD
        m.save()
    group = make_org(cast.cell_a, name="Tổ 1", kind="group")  # noqa: F841
    for i in range(2):
        make_meeting(
            cast.cell_a,
            timezone.make_aware(dt.datetime(year, 3 + 6 * i, 20, 19)),  # one per half-year
            kind="working_members",
            state=Meeting.State.HELD,
        )
    make_meeting(
        cast.cell_b,
        timezone.make_aware(dt.datetime(year, 1, 10, 19)),
        state=Meeting.State.HELD,
    )
    http = login(cast.users["province_staff"])
    with django_assert_max_num_queries(18):
        response = http.get(reverse("meetings:report"), {"year": year})
    report = response.context["report"]
    assert report.org == cast.province
    assert report.totals.held["regular"] == 13 and report.totals.held["working_members"] == 2
    with django_assert_max_num_queries(18):
        response = http.get(reverse("meetings:report"), {"org": cast.commune.pk, "year": year})
    rows = {r.org: r for r in response.context["report"].rows}
    assert not rows[cast.cell_a].flagged
    assert rows[cast.cell_b].below_regular == 1 and rows[cast.cell_b].never_working == 1
    export = http.get(reverse("meetings:report_export"), {"org": cast.commune.pk, "year": year})
    ws = load_workbook(io.BytesIO(export.content)).active
    sheet = list(ws.values)[int(ws.freeze_panes[1:]) - 2 :]  # from the header row on
    assert sheet[1][0] == cast.cell_a.name and sheet[1][2] == 12
    pdf = http.get(reverse("meetings:report_pdf"), {"org": cast.commune.pk, "year": year})
    assert pdf.content.startswith(b"%PDF")
    outside = login(cast.users["secretary_b"])
    assert (
        outside.get(reverse("meetings:report"), {"org": cast.other_commune.pk}).status_code == 404
    )


def test_member_page_shows_attendance(cast, login):
    meeting = make_meeting(cast.cell_a)
    services.mark_attendance(meeting, cast.members["a1"], "excused")
    http = login(cast.users["commune_staff"])
    html = http.get(reverse("members:detail", args=[cast.members["a1"].pk])).content.decode()
    assert "Sinh hoạt chi bộ năm" in html and "Vắng có lý do" in html


def test_home_panel_lists_upcoming_meetings(cast, login):
    make_meeting(cast.cell_a, timezone.now() + dt.timedelta(days=3), title="Họp tháng")
    html = login(cast.users["secretary_a"]).get("/").content.decode()
    assert "Lịch sinh hoạt sắp tới" in html and "Họp tháng" in html


def test_working_member_meeting_uses_liaison_and_workplace_sees_it(cast, login):
    """Integration with the real liaison source: w1 (agency cell) introduced to cell A."""
    from lienhe.liaison.models import Introduction

    w1 = cast.members["w1"]
    Introduction.objects.create(
        member=w1,
        workplace_org=cast.agency,
        residence_org=cast.cell_a,
        state=Introduction.State.ACTIVE,
        issued_on=dt.date(2025, 1, 10),
        due_on=dt.date(2025, 2, 9),
        handed_in_on=dt.date(2025, 1, 20),
        accepted_on=dt.date(2025, 1, 21),
    )
    past = make_meeting(cast.cell_a, kind="working_members")
    assert list(services.expected_members(past)) == [w1]
    services.mark_attendance(past, w1, "present")
    assert Attendance.objects.get(meeting=past).is_working_member
    upcoming = make_meeting(
        cast.cell_a, timezone.now() + dt.timedelta(days=6), kind="working_members"
    )
    member = login(cast.users["member"])  # w1 himself
    assert member.get(reverse("meetings:detail", args=[upcoming.pk])).status_code == 200
    workplace = login(cast.users["agency_staff"])
    html = workplace.get(reverse("members:detail", args=[w1.pk])).content.decode()
    assert "Có mặt" in html and "đang công tác tại nơi cư trú" in html
