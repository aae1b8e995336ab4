"""Temporary exemptions (effects on attendance and status) and transfers."""

import datetime as dt

import pytest

from lienhe.away import jobs, services
from lienhe.away.models import Exemption, Transfer
from lienhe.away.selectors import exempted_member_ids
from lienhe.members.models import Member
from lienhe.notify.models import Notification

from .helpers import grant, today


def _grant(cast, start, end, ground=None, key="a1"):
    member = cast.members[key]
    return grant(
        member,
        actor=cast.users["commune_staff"],
        ground=ground or services.exemption_grounds(member.organization)[0],
        start_on=start,
        end_on=end,
    )


def test_exemption_in_force_sets_status_and_excludes_from_attendance(cast):
    ex = _grant(cast, today() - dt.timedelta(days=1), today() + dt.timedelta(days=30))
    member = Member.objects.get(pk=cast.members["a1"].pk)
    assert member.status == Member.Status.EXEMPTED
    assert member.history.count() >= 2  # went through update_member
    assert ex.decision_number.endswith("QĐ/ĐU")
    assert exempted_member_ids(cast.commune.path, today()) == {member.pk}
    assert exempted_member_ids(cast.commune.path, today() + dt.timedelta(days=31)) == set()
    assert exempted_member_ids(cast.other_commune.path, today()) == set()


def test_future_exemption_starts_with_the_daily_job(cast):
    start = today() + dt.timedelta(days=5)
    _grant(cast, start, start + dt.timedelta(days=30))
    assert Member.objects.get(pk=cast.members["a1"].pk).status == Member.Status.ACTIVE
    services.sync_exemption_statuses(start)
    assert Member.objects.get(pk=cast.members["a1"].pk).status == Member.Status.EXEMPTED
    services.sync_exemption_statuses(start + dt.timedelta(days=31))
    assert Member.objects.get(pk=cast.members["a1"].pk).status == Member.Status.ACTIVE


def test_ground_must_come_from_the_configured_list(cast):
    with pytest.raises(services.AwayError, match="danh mục"):
        _grant(cast, today(), today() + dt.timedelta(days=5), ground="Lý do bịa")


def test_grounds_list_is_a_policy_the_province_can_change(cast):
    from lienhe.orgs.models import Policy

    Policy.objects.create(
        organization=cast.province,
        key="exemption_grounds",
        value=["Lý do riêng của tỉnh"],
        effective_from=today() - dt.timedelta(days=1),
    )
    assert services.exemption_grounds(cast.cell_a) == ["Lý do riêng của tỉnh"]
    _grant(cast, today(), today() + dt.timedelta(days=5), ground="Lý do riêng của tỉnh")


def test_exemption_longer_than_the_policy_maximum_is_refused(cast):
    with pytest.raises(services.AwayError, match="12 tháng"):
        _grant(cast, today(), today() + dt.timedelta(days=400))


def test_overlapping_exemptions_are_refused(cast):
    _grant(cast, today(), today() + dt.timedelta(days=30))
    with pytest.raises(services.AwayError, match="trùng"):
        _grant(cast, today() + dt.timedelta(days=10), today() + dt.timedelta(days=50))


def test_expiring_exemption_reminds_the_cell_once(cast):
    end = today() + dt.timedelta(days=10)
    _grant(cast, today() - dt.timedelta(days=20), end)
    assert jobs.exemption_job(today()) >= 1
    assert (
        Notification.objects.filter(
            user=cast.users["secretary_a"], kind="away.exemption_expiring"
        ).count()
        == 1
    )
    jobs.exemption_job(today())
    assert Notification.objects.filter(kind="away.exemption_expiring").count() == 1


def test_revoked_exemption_stops_counting_from_that_day(cast):
    ex = _grant(cast, today() - dt.timedelta(days=20), today() + dt.timedelta(days=20))
    services.revoke_exemption(ex, actor=cast.users["commune_staff"], on=today())
    ex.refresh_from_db()
    assert ex.status == Exemption.Status.REVOKED and ex.planned_end_on > ex.end_on
    assert cast.members["a1"].pk not in exempted_member_ids(
        cast.commune.path, today() + dt.timedelta(days=1)
    )
    assert Member.objects.get(pk=cast.members["a1"].pk).status == Member.Status.ACTIVE


def test_official_transfer_inside_the_system_moves_the_member(cast):
    t = services.request_transfer(
        cast.members["a1"],
        actor=cast.users["secretary_a"],
        kind="official",
        reason="Chuyển nơi cư trú",
        to_organization=cast.other_cell,
    )
    t = services.send_transfer(t, actor=cast.users["commune_staff"], on=dt.date(2026, 11, 2))
    assert t.status == Transfer.Status.SENT
    # 30 working days from Monday 2 Nov 2026, weekends skipped.
    assert t.handin_due == dt.date(2026, 12, 14)
    assert Notification.objects.filter(kind="away.transfer", url__contains=str(t.pk)).exists()
    services.receive_transfer(t, actor=cast.users["province_staff"], on=today())
    member = Member.objects.get(pk=cast.members["a1"].pk)
    assert member.organization == cast.other_cell
    assert member.history.filter(organization=cast.other_cell).exists()


def test_official_transfer_outside_the_system_marks_member_transferred(cast):
    t = services.request_transfer(
        cast.members["a1"],
        actor=cast.users["secretary_a"],
        kind="official",
        reason="Chuyển vào TP Hồ Chí Minh",
        to_name="Chi bộ Khu phố 3, phường Dĩ An",
    )
    t = services.send_transfer(t, actor=cast.users["commune_staff"])
    assert services.can_receive(cast.users["secretary_a"], t)  # paper receipt recorded at home
    services.receive_transfer(t, actor=cast.users["secretary_a"], on=today())
    assert Member.objects.get(pk=cast.members["a1"].pk).status == Member.Status.TRANSFERRED


def test_temporary_transfer_keeps_the_official_cell(cast):
    t = services.request_transfer(
        cast.members["a1"],
        actor=cast.users["secretary_a"],
        kind="temporary",
        reason="Đi làm ăn xa",
        to_organization=cast.other_cell,
        until=today() + dt.timedelta(days=180),
    )
    services.send_transfer(t, actor=cast.users["commune_staff"])
    services.receive_transfer(t, actor=cast.users["province_staff"])
    assert Member.objects.get(pk=cast.members["a1"].pk).organization == cast.cell_a
    t = services.end_temporary_transfer(t, actor=cast.users["province_staff"])
    assert t.status == Transfer.Status.ENDED


def test_temporary_transfer_needs_an_end_date(cast):
    with pytest.raises(services.AwayError, match="thời hạn"):
        services.request_transfer(
            cast.members["a1"],
            actor=None,
            kind="temporary",
            reason="x",
            to_organization=cast.other_cell,
        )


def test_late_hand_in_reminds_the_sending_cell(cast):
    t = services.request_transfer(
        cast.members["a1"],
        actor=None,
        kind="official",
        reason="x",
        to_organization=cast.other_cell,
    )
    t = services.send_transfer(t, actor=None, on=today() - dt.timedelta(days=60))
    assert jobs.transfer_job(today()) == 1
    assert jobs.transfer_job(today()) == 0
