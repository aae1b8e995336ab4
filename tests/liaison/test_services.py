import datetime as dt

import pytest
from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.liaison import services
from lienhe.liaison.models import Introduction, LocalTask, ThreadMessage
from lienhe.liaison.selectors import introduced_members, residence_record
from lienhe.orgs.services import set_policy
from tests.factories import MemberFactory

from .helpers import letter

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_issue_letter_numbers_and_sets_deadline_from_policy(cast):
    staff = cast.users["agency_staff"]
    set_policy(cast.province, "letter_handin_days", 20, effective_from=dt.date(2020, 1, 1))
    intro = letter(cast, "issued", issued_days_ago=0)
    assert intro.state == "issued"
    assert intro.number == "1-GGT/ĐU"
    assert intro.due_on == TODAY() + dt.timedelta(days=20)
    second = services.create_letter(
        MemberFactory(organization=cast.agency_cell, is_working=True),
        workplace_org=cast.agency,
        residence_org=cast.cell_b,
        actor=staff,
    )
    second = services.issue_letter(second, actor=staff)
    assert second.number == "2-GGT/ĐU"
    assert AuditEvent.objects.filter(action="liaison.letter.issued").count() == 2
    assert ThreadMessage.objects.filter(introduction=intro, event="issued").exists()


def test_default_deadline_is_thirty_days(cast):
    intro = letter(cast, "issued", issued_days_ago=0)
    assert (intro.due_on - intro.issued_on).days == 30


def test_only_working_members_of_the_issuer_get_letters(cast):
    with pytest.raises(services.LiaisonError, match="không phải đảng viên đang công tác"):
        services.create_letter(
            cast.members["a1"], workplace_org=cast.agency, residence_org=cast.cell_b
        )
    other = MemberFactory(organization=cast.cell_b, is_working=True)
    with pytest.raises(services.LiaisonError, match="không sinh hoạt"):
        services.create_letter(other, workplace_org=cast.agency, residence_org=cast.cell_a)


def test_one_open_letter_per_member(cast):
    letter(cast, "issued")
    with pytest.raises(services.LiaisonError, match="chưa kết thúc"):
        services.create_letter(
            cast.members["w1"], workplace_org=cast.agency, residence_org=cast.cell_b
        )


def test_state_transitions_and_late_handin(cast):
    intro = letter(cast, "issued", issued_days_ago=40)
    assert intro.days_overdue() == 10
    officer = cast.users["secretary_a"]
    with pytest.raises(services.LiaisonError, match="sau hôm nay"):
        services.confirm_handin(intro, handed_in_on=TODAY() + dt.timedelta(days=1), actor=officer)
    intro = services.confirm_handin(intro, handed_in_on=TODAY(), actor=officer)
    assert intro.state == "handed_in" and intro.handed_in_late
    with pytest.raises(services.LiaisonError):
        services.confirm_handin(intro, handed_in_on=TODAY(), actor=officer)
    intro = services.accept_letter(intro, cell=cast.cell_a, actor=officer)
    assert intro.state == "active"
    intro = services.close_letter(intro, reason="retired", actor=officer)
    assert intro.state == "closed" and intro.closed_on == TODAY()


def test_stale_version_is_refused(cast):
    intro = letter(cast, "issued")
    with pytest.raises(services.StaleEdit):
        services.confirm_handin(intro, handed_in_on=TODAY(), expected_version=intro.version - 1)


def test_letter_to_commune_is_accepted_by_one_of_its_cells(cast):
    intro = letter(cast, "issued", residence=cast.commune)
    officer = cast.users["commune_staff"]
    with pytest.raises(services.LiaisonError, match="không thuộc"):
        services.accept_letter(intro, cell=cast.other_cell, handed_in_on=TODAY(), actor=officer)
    intro = services.accept_letter(intro, cell=cast.cell_b, handed_in_on=TODAY(), actor=officer)
    assert intro.residence_org == cast.cell_b and intro.state == "active"


def test_groups_and_split_suggestion(cast):
    set_policy(cast.province, "liaison_group_max_members", 2, effective_from=dt.date(2020, 1, 1))
    officer = cast.users["secretary_a"]
    group = services.create_group(cast.cell_a, name="Tổ 1", actor=officer)
    assert group.kind == "group" and group.path.startswith(cast.cell_a.path)
    with pytest.raises(services.LiaisonError, match="đã có tổ"):
        services.create_group(cast.cell_a, name="tổ 1", actor=officer)
    for _i in range(3):
        m = MemberFactory(organization=cast.agency_cell, is_working=True)
        intro = letter(cast, "active", member=m)
        services.place_in_group(intro, group=group, actor=officer)
    suggestion = services.split_suggestion(cast.cell_a)
    assert suggestion["total"] == 3 and suggestion["groups_wanted"] == 2
    assert suggestion["too_big"][0]["group"] == group
    assert introduced_members(cast.cell_a, [group]).count() == 3
    with pytest.raises(services.LiaisonError, match="không thuộc"):
        services.place_in_group(
            intro, group=services.create_group(cast.cell_b, name="Tổ B"), actor=officer
        )


def test_introduced_members_excludes_exempted_and_pending(cast):
    intro = letter(cast, "active")
    pending = letter(
        cast, "issued", member=MemberFactory(organization=cast.agency_cell, is_working=True)
    )
    assert list(introduced_members(cast.cell_a)) == [cast.members["w1"]]
    assert pending.member not in introduced_members(cast.cell_a)
    services.set_exemption(
        intro, group="study", reason="Đi học tập trung dài hạn", actor=cast.users["agency_staff"]
    )
    assert not introduced_members(cast.cell_a).exists()
    services.lift_exemption(intro, actor=cast.users["agency_staff"])
    assert introduced_members(cast.cell_a).count() == 1


def test_introduced_members_on_a_past_date(cast):
    intro = letter(cast, "active")
    services.close_letter(intro, reason="moved", actor=cast.users["agency_staff"])
    assert not introduced_members(cast.cell_a).exists()
    assert introduced_members(cast.cell_a, on=TODAY()).count() == 0
    yesterday = TODAY() - dt.timedelta(days=1)
    Introduction.objects.filter(pk=intro.pk).update(handed_in_on=yesterday - dt.timedelta(days=1))
    Introduction.objects.filter(pk=intro.pk).update(closed_on=TODAY())
    assert introduced_members(cast.cell_a, on=yesterday).count() == 1


def test_exemption_from_introduction_requires_closing_a_live_letter(cast):
    staff = cast.users["agency_staff"]
    intro = letter(cast, "issued")
    with pytest.raises(services.LiaisonError, match="đang có giấy"):
        services.exempt_from_introduction(
            intro.member,
            workplace_org=cast.agency,
            residence_org=cast.cell_a,
            reason="Quân đội ở doanh trại",
            actor=staff,
        )
    services.close_letter(intro, reason="exempted", actor=staff)
    rec = services.exempt_from_introduction(
        intro.member,
        workplace_org=cast.agency,
        residence_org=cast.cell_a,
        reason="Quân đội ở doanh trại",
        actor=staff,
    )
    assert rec.state == "exempt" and rec.exemption == "introduction"


@pytest.mark.usefixtures("mid_year_clock")
def test_change_of_residence_closes_old_and_keeps_history(cast):
    intro = letter(cast, "active")
    new = services.change_residence(
        intro, new_residence_org=cast.other_cell, actor=cast.users["agency_staff"]
    )
    intro.refresh_from_db()
    assert intro.state == "closed" and intro.closed_reason == "moved"
    assert new.previous == intro and new.state == "issued" and new.number == "2-GGT/ĐU"


def test_member_moved_proposes_letter_to_new_commune(cast):
    from lienhe.orgs.models import AdminUnit

    units = list(AdminUnit.objects.filter(level="commune")[:2])
    cast.commune.admin_unit = units[0]
    cast.commune.save()
    cast.other_commune.admin_unit = units[1]
    cast.other_commune.save()
    cast.other_cell.refresh_from_db()
    intro = letter(cast, "active")
    member = intro.member
    member.home_unit = units[1]
    member.home_address = "thôn Đông, " + units[1].name
    member.save()  # a bare save runs no business rule (no post_save receiver)
    assert not Introduction.objects.filter(member=member, state="draft").exists()
    new = services.on_member_moved(member)
    new = Introduction.objects.get(member=member, state="draft")
    assert new.residence_org == cast.other_cell
    assert services.on_member_moved(member) is None  # nothing left to do


def test_propose_residence_matches_cell_name_in_address(cast):
    from lienhe.orgs.models import AdminUnit

    unit = AdminUnit.objects.filter(level="commune").first()
    cast.commune.admin_unit = unit
    cast.commune.save()
    member = cast.members["w1"]
    member.home_unit = unit
    member.home_address = "Số 3, Tổ dân phố 2, " + unit.name
    assert services.propose_residence(member) == cast.cell_b
    member.home_address = "Số 3 đường Trần Phú"
    assert services.propose_residence(member) == cast.commune


def test_tasks_and_thread(cast):
    intro = letter(cast, "active")
    officer = cast.users["secretary_a"]
    task = services.add_task(
        intro,
        kind="volunteer",
        title="Ra quân vệ sinh môi trường",
        due_on=TODAY() + dt.timedelta(days=3),
        actor=officer,
    )
    with pytest.raises(services.LiaisonError, match="trước hôm nay"):
        services.add_task(
            intro, kind="fund", title="x", due_on=TODAY() - dt.timedelta(days=1), actor=officer
        )
    task = services.record_task_result(
        task, status="done", outcome="Tham gia đầy đủ", expected_version=1, actor=officer
    )
    assert task.completed_on == TODAY()
    with pytest.raises(services.StaleEdit):
        services.record_task_result(task, status="open", expected_version=1, actor=officer)
    services.post_message(
        intro, body="Đồng chí tham gia tích cực.", side="residence", actor=officer
    )
    with pytest.raises(services.LiaisonError, match="thay cho"):
        services.post_message(intro, body="x", side="workplace", actor=officer)
    events = list(ThreadMessage.objects.filter(introduction=intro).values_list("event", flat=True))
    assert "task_done" in events and "" in events
    record = residence_record(intro.member, TODAY().year)
    assert record["tasks_given"] == 1 and record["tasks_done"] == 1
    assert record["thread_notes"] == 1 and record["on_time"] is True
    assert LocalTask.objects.count() == 1


def test_editing_the_home_address_closes_the_liaison_and_drafts_a_new_letter(cast):
    from lienhe.members.services import update_member
    from lienhe.orgs.models import AdminUnit

    units = list(AdminUnit.objects.filter(level="commune")[:2])
    cast.other_commune.admin_unit = units[1]
    cast.other_commune.save()
    intro = letter(cast, "active")
    member = intro.member
    member.refresh_from_db()
    update_member(
        member,
        expected_version=member.version,
        home_unit=units[1],
        home_address="thôn Đông, " + units[1].name,
    )
    intro.refresh_from_db()
    assert intro.state == "closed" and intro.closed_reason == "moved"
    new = Introduction.objects.get(member=member, state="draft")
    assert new.residence_org == cast.other_cell and new.previous == intro
