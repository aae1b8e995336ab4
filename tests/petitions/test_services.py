import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.meetings.hooks import AGENDA_PROVIDERS
from lienhe.meetings.signals import minutes_issue_raised
from lienhe.notify.models import Notification
from lienhe.orgs.models import Policy
from lienhe.petitions import services
from lienhe.petitions.models import Petition, PetitionEvent
from lienhe.visits.signals import visit_report_filed

from .world import category, make_petition

S = Petition.State


def kinds(p):
    return list(p.events.values_list("kind", flat=True))


def test_assign_uses_policy_answer_days_and_notifies_handlers(cast, petition, agency):
    agency.handlers.add(cast.users["handler"])
    today = timezone.localdate()
    p = services.assign(petition, agency, actor=cast.users["commune_staff"], today=today)
    assert p.state == S.ASSIGNED
    assert p.due_on == today + dt.timedelta(days=15)
    assert Notification.objects.filter(user=cast.users["handler"], kind="petition").count() == 1
    assert AuditEvent.objects.filter(action="petitions.petition.assigned").exists()


def test_province_policy_shortens_the_answer_time(cast, petition, agency):
    Policy.objects.create(
        organization=cast.province,
        key="petition_answer_days",
        value=10,
        effective_from=dt.date(2020, 1, 1),
    )
    today = timezone.localdate()
    p = services.assign(petition, agency, today=today)
    assert p.due_on == today + dt.timedelta(days=10)


def test_full_lifecycle_is_on_the_timeline(cast, assigned, agency):
    handler, secretary = cast.users["handler"], cast.users["secretary_a"]
    p = services.start(assigned, actor=handler)
    assert p.state == S.IN_PROGRESS
    p = services.answer_petition(
        p, answer="Đã khảo sát, sẽ thảm nhựa trong quý tới.", actor=handler
    )
    assert p.state == S.ANSWERED and not p.answered_late
    p = services.reopen(p, reason="Chưa có thời gian cụ thể.", actor=secretary)
    assert p.state == S.REOPENED and p.reopen_count == 1 and p.due_on
    p = services.answer_petition(p, answer="Khởi công ngày 01/3, hoàn thành 30/4.", actor=handler)
    p = services.close(p, actor=secretary)
    assert p.state == S.CLOSED and p.outcome == Petition.Outcome.ACCEPTED
    assert kinds(p) == [
        "created",
        "assigned",
        "started",
        "answered",
        "reopened",
        "answered",
        "closed",
    ]
    actors = list(p.events.values_list("actor__username", flat=True))
    assert actors[-1] == "bithu"


def test_illegal_transitions_raise_vietnamese_errors(petition, agency):
    with pytest.raises(services.PetitionError, match="đã có trả lời"):
        services.close(petition)
    with pytest.raises(services.PetitionError, match="chờ trả lời"):
        services.answer_petition(petition, answer="Trả lời sớm quá mức cần thiết")
    p = services.assign(petition, agency)
    with pytest.raises(services.PetitionError, match="quá ngắn"):
        services.answer_petition(p, answer="ok")
    with pytest.raises(services.PetitionError, match="Chỉ chuyển được"):
        services.assign(p, agency)


def test_stale_answer_is_refused(assigned):
    with pytest.raises(services.StaleEdit):
        services.answer_petition(
            assigned, answer="Nội dung trả lời đầy đủ.", expected_version=assigned.version - 1
        )


def test_transfer_needs_reason_and_restarts_due_date(assigned, other_agency):
    with pytest.raises(services.PetitionError, match="lý do"):
        services.transfer(assigned, other_agency, reason=" ")
    later = timezone.localdate() + dt.timedelta(days=5)
    p = services.transfer(
        assigned, other_agency, reason="Thuộc thẩm quyền UBND phường", today=later
    )
    assert p.agency == other_agency and p.due_on == later + dt.timedelta(days=15)
    ev = p.events.get(kind="transferred")
    assert ev.note == "Thuộc thẩm quyền UBND phường" and ev.data["to"] == other_agency.name


def test_split_and_merge(cast, petition, agency):
    parts = services.split(
        petition,
        [{"summary": "Đèn đường ngõ 3 hỏng"}, {"summary": "Cống thoát nước ngõ 3 tắc"}],
    )
    petition.refresh_from_db()
    assert petition.state == S.CLOSED and petition.outcome == Petition.Outcome.SPLIT
    assert {p.split_from_id for p in parts} == {petition.pk}
    other = make_petition(cast.cell_b, "Cống ngõ 3 tắc gây ngập", people_count=20)
    target = services.merge([other], parts[1])
    assert target.people_count == parts[1].people_count + 20
    services.assign(target, agency)
    other.refresh_from_db()
    assert other.agency == agency and other.state == S.ASSIGNED
    services.answer_petition(target, answer="Đã nạo vét cống, lắp song chắn rác.")
    other.refresh_from_db()
    assert other.state == S.ANSWERED and "nạo vét" in other.answer


def test_overdue_escalates_once_to_higher_committee(cast, assigned):
    later = assigned.due_on + dt.timedelta(days=3)
    assert services.escalate_overdue(later) == 1
    assert services.escalate_overdue(later) == 0
    assert services.escalate_overdue(later + dt.timedelta(days=1)) == 0
    p = Petition.objects.get(pk=assigned.pk)
    assert p.escalated_to == cast.commune and p.escalated_on == later
    assert p.events.filter(kind="escalated").count() == 1
    staff = Notification.objects.filter(user=cast.users["commune_staff"], kind="petition")
    assert staff.count() == 1 and "quá hạn 3 ngày" in staff.get().title
    # the province staff hold committee_staff above the commune too
    assert Notification.objects.filter(user=cast.users["province_staff"]).count() == 1


def test_not_yet_due_is_not_escalated(assigned):
    assert services.escalate_overdue(assigned.due_on) == 0


def test_late_answer_is_flagged(assigned):
    late = timezone.now() + dt.timedelta(days=20)
    p = services.answer_petition(assigned, answer="Đã xử lý xong vào cuối tháng.", now=late)
    assert p.answered_late


def test_minutes_signal_creates_a_petition(cast):
    meeting = SimpleNamespace(pk=77, organization=cast.cell_a)
    minutes_issue_raised.send(
        sender=None,
        meeting=meeting,
        summary="Đề nghị sửa cầu tràn thôn Đông",
        details="Mùa mưa nước ngập qua cầu.",
        category="Giao thông",
        actor=cast.users["secretary_a"],
    )
    p = Petition.objects.get(source_type="minutes", source_id="77")
    assert p.organization == cast.cell_a and p.category.code == "infrastructure"
    assert p.raised_by_kind == "cell"


def test_visit_signal_creates_one_petition_per_item_visible_to_the_visitor(cast):
    visitor = cast.users["visitor"]
    report = SimpleNamespace(pk=5, visit=SimpleNamespace(cell=cast.cell_b), filed_by=visitor)
    items = [
        {"summary": "Chậm cấp giấy chứng nhận quyền sử dụng đất", "details": "", "category": ""},
        {"summary": "Thiếu điện chiếu sáng đường xóm", "details": "", "category": ""},
    ]
    visit_report_filed.send(sender=None, report=report, items=items, actor=visitor)
    created = Petition.objects.filter(source_type="visit", source_id="5")
    assert created.count() == 2
    assert set(created.values_list("raised_by_user", flat=True)) == {visitor.pk}
    assert created.first().category.code == "other"


def test_agenda_lists_answers_since_previous_meeting(cast, assigned):
    from lienhe.petitions.services import agenda_lines

    assert agenda_lines in AGENDA_PROVIDERS
    services.answer_petition(assigned, answer="Đã sửa xong đoạn đường 300 m.")
    meeting = SimpleNamespace(
        pk=None,
        organization_id=cast.cell_a.pk,
        planned_at=timezone.now() + dt.timedelta(days=7),
    )
    lines = agenda_lines(meeting)
    assert len(lines) == 1 and "Đã sửa xong" in lines[0] and "Sở Y tế" in lines[0]
    other_cell = SimpleNamespace(
        pk=None, organization_id=cast.cell_b.pk, planned_at=meeting.planned_at
    )
    assert agenda_lines(other_cell) == []


def test_agenda_skips_answers_reported_at_an_earlier_meeting(cast, assigned):
    from lienhe.meetings.models import Meeting

    services.answer_petition(assigned, answer="Đã sửa xong đoạn đường 300 m.")
    now = timezone.now()
    Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.choices[0][0],
        planned_at=now + dt.timedelta(hours=1),
        state=Meeting.State.HELD,
    )
    nxt = SimpleNamespace(
        pk=-1, organization_id=cast.cell_a.pk, planned_at=now + dt.timedelta(days=30)
    )
    assert services.agenda_lines(nxt) == []


def test_attachment_checks_type_size_and_content(petition, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(services.PetitionError, match="Chỉ nhận"):
        services.add_attachment(petition, SimpleUploadedFile("a.exe", b"MZ..."))
    with pytest.raises(services.PetitionError, match="không đúng"):
        services.add_attachment(petition, SimpleUploadedFile("a.pdf", b"<html>"))
    big = SimpleUploadedFile("b.png", b"\x89PNG" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(services.PetitionError, match="10 MB"):
        services.add_attachment(petition, big)
    att = services.add_attachment(petition, SimpleUploadedFile("anh.png", b"\x89PNG\r\n"))
    assert att.content_type == "image/png" and att.size == 6
    assert PetitionEvent.objects.filter(petition=petition, kind="attached").exists()


def test_cluster_groups_same_issue_across_cells_and_staff_can_split_it(cast):
    a = make_petition(cast.cell_a, "Quốc lộ 8 đoạn qua thôn Đông xuống cấp, nhiều ổ gà")
    b = make_petition(cast.cell_b, "Đề nghị sửa chữa ổ gà quốc lộ 8 đoạn qua thôn Đông")
    c = make_petition(cast.other_cell, "Cử tri phản ánh quốc lộ 8 xuống cấp, ổ gà nguy hiểm")
    d = make_petition(cast.cell_b, "Chậm chi trả chế độ người có công", category=category("social"))
    for p in (a, b, c, d):
        p.refresh_from_db()
    assert a.cluster_id and a.cluster_id == b.cluster_id == c.cluster_id
    assert d.cluster_id is None
    assert a.cluster.size == 3 and a.cluster.cells == 3
    services.remove_from_cluster(c)
    a.cluster.refresh_from_db()
    assert a.cluster.size == 2
    services.remove_from_cluster(b)
    a.refresh_from_db()
    assert a.cluster_id is None  # a cluster of one dissolves


def test_answer_whole_cluster_informs_every_source(cast, agency):
    a = make_petition(cast.cell_a, "Bãi rác tự phát cạnh chợ gây ô nhiễm")
    b = make_petition(cast.cell_b, "Ô nhiễm từ bãi rác tự phát cạnh chợ")
    for p in (a, b):
        services.assign(p, agency)
    services.answer_petition(a, answer="Đã dọn bãi rác, lắp biển cấm đổ.", whole_cluster=True)
    b.refresh_from_db()
    assert b.state == S.ANSWERED and b.events.get(kind="answered").data["via"] == a.pk


def test_daily_jobs_are_registered_and_remind_once(cast, assigned, agency):
    from lienhe.notify.services import DAILY_JOBS

    names = {name for name, _job in DAILY_JOBS}
    assert {"petitions.escalate_overdue", "petitions.remind_due_soon"} <= names
    agency.handlers.add(cast.users["handler"])
    day = assigned.due_on - dt.timedelta(days=2)
    assert services.remind_due_soon(day) == 1
    assert services.remind_due_soon(day + dt.timedelta(days=1)) == 0
    assert services.remind_due_soon(assigned.due_on - dt.timedelta(days=10)) == 0
