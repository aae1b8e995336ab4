import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe.notify.models import Notification
from lienhe.petitions.models import Category
from lienhe.visits import jobs
from lienhe.visits.models import (
    CommitteeMember,
    HeardPetition,
    Position,
    Visit,
    VisitReport,
    committee_member_visible,
)
from lienhe.visits.views import ical_token

from .world import world

pytestmark = pytest.mark.usefixtures("mid_year_clock")

INFRA = "Giao thông, hạ tầng, điện, nước"


def _report_post(visit, **extra):
    # The category is chosen from the taxonomy (a transactional test may have flushed it).
    Category.objects.get_or_create(code="infrastructure", defaults={"name": INFRA})
    data = {
        "attended_on": visit.planned_on.strftime("%d/%m/%Y"),
        "chair": "Trần Thị Bình",
        "members_total": "30",
        "members_present": "27",
        "content": "Quán triệt Nghị quyết; bàn kế hoạch làm đường bê tông thôn.",
        "criteria": ["prep_agenda", "part_attendance"],
        "quality": "good",
        "opinions": "Bà con đề nghị sửa đường.",
        "pet-TOTAL_FORMS": "2",
        "pet-INITIAL_FORMS": "0",
        "pet-MIN_NUM_FORMS": "0",
        "pet-MAX_NUM_FORMS": "30",
        "pet-0-summary": "Sửa đường liên thôn bị sạt lở",
        "pet-0-category": INFRA,
        "pet-1-summary": "",
    }
    data.update(extra)
    return data


def test_visitor_files_a_report_from_the_form(cast, login):
    w = world(cast)
    http = login(cast.users["visitor"])
    url = reverse("visits:report", args=[w.planned.pk])
    page = http.get(url)
    assert page.status_code == 200 and "Báo cáo kết quả dự sinh hoạt" in page.text
    response = http.post(url, _report_post(w.planned))
    assert response.status_code == 302
    w.planned.refresh_from_db()
    assert w.planned.state == Visit.State.DONE
    report = VisitReport.objects.get(visit=w.planned)
    assert report.members_present == 27 and report.criteria == ["part_attendance", "prep_agenda"]
    assert list(HeardPetition.objects.values_list("summary", flat=True)) == [
        "Sửa đường liên thôn bị sạt lở"
    ]
    # The chosen category is kept (issue 20 item 9), not turned into "Lĩnh vực khác".
    assert list(HeardPetition.objects.values_list("category", flat=True)) == [INFRA]
    pdf = http.get(reverse("visits:report_pdf", args=[w.planned.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_report_form_keeps_input_on_error_and_adds_rows(cast, login):
    w = world(cast)
    http = login(cast.users["visitor"])
    url = reverse("visits:report", args=[w.planned.pk])
    bad = _report_post(w.planned, members_present="40", members_total="30")
    response = http.post(url, bad)
    assert response.status_code == 200
    assert "không thể lớn hơn" in response.text
    assert "Sửa đường liên thôn bị sạt lở" in response.text
    more = http.post(url, _report_post(w.planned, add_row="1"))
    assert more.status_code == 200
    assert 'name="pet-1-summary"' in more.text and "Quán triệt Nghị quyết" in more.text
    assert Visit.objects.get(pk=w.planned.pk).state == Visit.State.PLANNED


def test_another_visitor_cannot_report_for_someone_else(cast, login):
    w = world(cast)
    w.visitor_cm.user = None
    w.visitor_cm.save()
    http = login(cast.users["visitor"])
    assert http.get(reverse("visits:report", args=[w.planned.pk])).status_code == 403


def test_missed_with_reschedule_from_the_form(cast, login):
    w = world(cast)
    http = login(cast.users["visitor"])
    new_date = timezone.localdate() + dt.timedelta(days=15)
    response = http.post(
        reverse("visits:visit_missed", args=[w.planned.pk]),
        {
            "version": w.planned.version,
            "reason": "business_trip",
            "new_date": new_date.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    new = Visit.objects.get(planned_on=new_date)
    assert response["Location"] == reverse("visits:visit_detail", args=[new.pk])
    stale = http.post(
        reverse("visits:visit_missed", args=[w.planned.pk]),
        {"version": 1, "reason": "illness"},
    )
    assert stale.status_code == 200 and "không dự được" in stale.text.lower()


def test_staff_adds_committee_member_and_assignment(cast, login):
    w = world(cast)
    http = login(cast.users["province_staff"])
    form = http.get(reverse("visits:member_create", args=[w.committee.pk])).text
    assert ">uyvien</option>" in form and ">bithu</option>" not in form
    response = http.post(
        reverse("visits:member_create", args=[w.committee.pk]),
        {
            "full_name": "Hà Văn Tâm",
            "title": "Bí thư Đảng ủy xã Hai",
            "position": Position.EXECUTIVE_COMMITTEE,
            "heads_unit": cast.other_commune.pk,
            "is_active": "on",
            "member_card": "",
        },
    )
    assert response.status_code == 302, response.text
    cm = CommitteeMember.objects.get(full_name="Hà Văn Tâm")
    assert cm.scope == "own"
    year = timezone.localdate().year
    url = reverse("visits:assignments", args=[w.committee.pk]) + f"?year={year}"
    bad = http.post(url, {"committee_member": cm.pk, "cell": cast.cell_a.pk})
    assert bad.status_code == 200 and "ngoài phạm vi" in bad.text
    ok = http.post(url, {"committee_member": cm.pk, "cell": cast.other_cell.pk})
    assert ok.status_code == 302
    assert cm.assignments.filter(cell=cast.other_cell, year=year).exists()


def test_member_edit_stale_version_keeps_form(cast, login):
    w = world(cast)
    http = login(cast.users["province_staff"])
    url = reverse("visits:member_edit", args=[w.standing.pk])
    data = {
        "full_name": "Đỗ Thị Thường",
        "title": "Phó Bí thư Thường trực",
        "position": Position.STANDING_COMMITTEE,
        "units_in_charge": [cast.commune.pk],
        "is_active": "on",
        "version": 1,
    }
    assert http.post(url, data).status_code == 302
    again = http.post(url, {**data, "title": "Khác"})
    assert again.status_code == 200 and "vừa được người khác sửa" in again.text


def test_assistant_page_and_apply(cast, login):
    w = world(cast)
    http = login(cast.users["province_staff"])
    year = timezone.localdate().year + 1
    url = reverse("visits:assistant", args=[w.committee.pk]) + f"?year={year}"
    page = http.get(url)
    assert page.status_code == 200 and "lượt dự đề xuất" in page.text
    assert http.post(url).status_code == 302
    assert Visit.objects.filter(year=year).count() == 2 + 3


@pytest.mark.parametrize(
    "name", ["visits:plan", "visits:compliance", "visits:mine", "visits:committees"]
)
def test_list_pages_have_bounded_queries(name, cast, login, django_assert_max_num_queries):
    w = world(cast)
    today = timezone.localdate()
    visits = [
        Visit(
            committee_member=w.standing,
            cell=cast.cell_a if i % 2 else cast.cell_b,
            planned_on=today.replace(day=1) + dt.timedelta(days=i % 27),
            year=today.year,
        )
        for i in range(60)
    ]
    Visit.objects.bulk_create(visits)
    http = login(cast.users["province_staff"] if name != "visits:mine" else cast.users["visitor"])
    # compliance: +2 for the catalogue figure visits_done_vs_required (issue 16); plan
    # and compliance: -1 since the committee picker's rows give the chosen committee.
    with django_assert_max_num_queries(26 if name == "visits:compliance" else 24):
        response = http.get(reverse(name))
    assert response.status_code == 200


def test_one_loaded_committee_member_is_visible_by_the_same_rule_as_the_queryset(cast):
    """The member dossier asks `committee_member_visible` per seat instead of a query
    (issue 21): it must agree with `visible_to` for every user and row."""
    world(cast)
    rows = list(CommitteeMember.objects.select_related("committee__organization"))
    assert rows
    for user in cast.users.values():
        visible = set(CommitteeMember.objects.visible_to(user).values_list("pk", flat=True))
        assert {cm.pk for cm in rows if committee_member_visible(cm, user)} == visible, user


def test_committee_detail_search_without_diacritics(cast, login, django_assert_max_num_queries):
    w = world(cast)
    http = login(cast.users["province_staff"])
    with django_assert_max_num_queries(15):
        response = http.get(
            reverse("visits:committee_detail", args=[w.committee.pk]) + "?q=do thi thuong"
        )
    assert "Đỗ Thị Thường" in response.text and "Vũ Văn Ủy" not in response.text


def test_exports_and_pdfs(cast, login):
    world(cast)
    http = login(cast.users["province_staff"])
    x = http.get(reverse("visits:compliance_export"))
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxml")
    p = http.get(reverse("visits:compliance_pdf") + "?period=h1")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    plan = http.get(reverse("visits:plan_pdf"))
    assert plan.status_code == 200 and plan.content.startswith(b"%PDF")
    csv = http.get(reverse("visits:plan_export") + "?format=csv")
    assert csv.status_code == 200
    cells = http.get(reverse("visits:compliance_export") + "?by=cells&format=csv")
    text = cells.content.decode("utf-8-sig")
    assert "Chi bộ thôn Đông" in text and "Có" in text


def test_ical_feed(cast, client):
    w = world(cast)
    today = timezone.localdate()
    Visit.objects.create(
        committee_member=w.visitor_cm, cell=cast.cell_a, planned_on=today + dt.timedelta(days=5)
    )
    url = reverse("visits:ical", args=[ical_token(cast.users["visitor"])])
    body = client.get(url).content.decode()
    assert body.startswith("BEGIN:VCALENDAR") and body.count("BEGIN:VEVENT") == 3
    assert "SUMMARY:Dự sinh hoạt Chi bộ Tổ dân phố 1" in body
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404


def test_daily_reminders_are_sent_once(cast):
    w = world(cast)
    today = timezone.localdate()
    Visit.objects.create(
        committee_member=w.visitor_cm, cell=cast.cell_a, planned_on=today + dt.timedelta(days=2)
    )
    # The planned visit was 2 days ago; due in 5 days: no "due" reminder yet.
    sent = jobs.upcoming_visits(today) + jobs.reports_due(today)
    assert sent == 1
    assert jobs.upcoming_visits(today) == 0
    # Overdue by one day: reminded.
    later = w.planned.planned_on + dt.timedelta(days=8)
    assert jobs.reports_due(later) == 1
    assert jobs.reports_due(later) == 0
    assert Notification.objects.filter(kind="visits.report_due").count() == 1


def test_behind_minimum_from_july(cast):
    w = world(cast)
    staff = cast.users["province_staff"]
    july = dt.date(timezone.localdate().year, 7, 2)
    sent = jobs.behind_minimum(july)
    # visitor's seat has a user and is behind (1 done < 2); the staff get one digest.
    assert sent >= 2
    assert Notification.objects.filter(user=staff, kind="visits.behind_digest").count() == 1
    assert jobs.behind_minimum(july) == 0
    assert jobs.behind_minimum(dt.date(july.year, 3, 1)) == 0
    assert w


def test_home_panels_for_board_and_committee_member(cast, login):
    world(cast)
    board = login(cast.users["province_staff"]).get(reverse("home")).text
    assert "cấp ủy viên đã đạt số lần tối thiểu" in board
    mine = login(cast.users["visitor"]).get(reverse("home")).text
    assert "Lịch dự sinh hoạt của tôi" in mine and "buổi chưa báo cáo" in mine
    awaiting = login(cast.users["province_staff"]).get(reverse("visits:plan") + "?state=awaiting")
    assert "Chi bộ Tổ dân phố 1" in awaiting.text


def test_visits_follow_moved_and_cancelled_meetings(cast):
    from lienhe.meetings.models import Meeting

    w = world(cast)
    today = timezone.localdate()
    day = today + dt.timedelta(days=10)
    visit = Visit.objects.create(committee_member=w.visitor_cm, cell=cast.cell_a, planned_on=day)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(19, 30)))
    meeting = Meeting.objects.create(organization=cast.cell_a, kind="regular", planned_at=at)
    assert jobs.follow_meetings(today) == 1  # linked
    visit.refresh_from_db()
    assert visit.meeting == meeting
    meeting.planned_at = at + dt.timedelta(days=2)
    meeting.state = Meeting.State.MOVED
    meeting.save()
    assert jobs.follow_meetings(today) == 1
    visit.refresh_from_db()
    assert visit.planned_on == day + dt.timedelta(days=2)
    assert Notification.objects.filter(kind="visits.meeting_changed").count() == 1
    assert jobs.follow_meetings(today) == 0
    meeting.state = Meeting.State.CANCELLED
    meeting.save()
    assert jobs.follow_meetings(today) == 1
    visit.refresh_from_db()
    assert visit.meeting is None and visit.state == Visit.State.PLANNED
