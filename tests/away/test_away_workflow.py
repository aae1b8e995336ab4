"""Going-away report: filing, cell consideration, approval, contacts, return."""

import datetime as dt

import pytest

from lienhe.audit.models import AuditEvent
from lienhe.away import services
from lienhe.away.models import AwayPeriod, Contact
from lienhe.away.selectors import away_member_ids, away_status
from lienhe.documents.models import DocumentNumber
from lienhe.notify.models import Notification

from .helpers import approved, away_data, filed, grant, today


def test_member_files_own_report_and_cell_is_notified(cast):
    member_user = cast.users["secretary_b"]  # b1 reports going away
    away = services.file_away(cast.members["b1"], actor=member_user, **away_data())
    assert away.status == AwayPeriod.Status.SUBMITTED
    assert away.organization == cast.cell_b
    assert AuditEvent.objects.filter(action="away.report.filed", object_id=str(away.pk)).exists()


def test_cell_secretary_is_notified_of_a_filed_report(cast):
    away = services.file_away(cast.members["a1"], actor=cast.users["commune_staff"], **away_data())
    note = Notification.objects.get(user=cast.users["secretary_a"], kind="away.filed")
    assert str(away.pk) in note.url


def test_second_open_report_is_refused(cast):
    filed(cast)
    with pytest.raises(services.AwayError, match="chưa khép lại"):
        filed(cast)


def test_report_needs_a_destination_and_a_contact(cast):
    with pytest.raises(services.AwayError, match="tỉnh/thành phố"):
        filed(cast, destination_unit=None)
    with pytest.raises(services.AwayError, match="liên lạc"):
        filed(cast, phone="", other_contacts="")
    with pytest.raises(services.AwayError, match="sau ngày đi"):
        filed(cast, expected_end_on=today() - dt.timedelta(days=200))


def test_full_approval_flow_issues_a_numbered_notice(cast):
    away = filed(cast)
    away = services.cell_consider(
        away, actor=cast.users["secretary_a"], agree=True, opinion="Đồng ý"
    )
    assert away.status == AwayPeriod.Status.CELL_AGREED
    assert Notification.objects.filter(user=cast.users["commune_staff"], kind="away.to_approve")
    away = services.approve_away(away, actor=cast.users["commune_staff"])
    assert away.status == AwayPeriod.Status.APPROVED
    assert away.decision_number.startswith("1-TB/")
    assert DocumentNumber.objects.filter(organization=cast.commune, kind="TB-DLAX").count() == 1


def test_committee_can_ask_for_changes_and_member_edit_resubmits(cast):
    away = filed(cast)
    away = services.cell_consider(away, actor=cast.users["secretary_a"], agree=True, opinion="OK")
    away = services.committee_request_changes(
        away, actor=cast.users["commune_staff"], note="Ghi rõ địa chỉ tạm trú"
    )
    assert away.status == AwayPeriod.Status.CHANGES
    away = services.update_away(
        away,
        expected_version=away.version,
        actor=cast.users["secretary_a"],
        destination_address="Số 5, khu trọ Hòa Lân, phường Thuận Giao",
    )
    assert away.status == AwayPeriod.Status.SUBMITTED


def test_approving_before_the_cell_considered_is_refused(cast):
    away = filed(cast)
    with pytest.raises(services.AwayError):
        services.approve_away(away, actor=cast.users["commune_staff"])


def test_stale_edit_is_refused(cast):
    away = filed(cast)
    old = away.version
    services.update_away(away, expected_version=old, actor=None, employer="Công ty A")
    with pytest.raises(services.StaleEdit):
        services.update_away(away, expected_version=old, actor=None, employer="Công ty B")


def test_contacts_move_the_next_due_date(cast):
    away = approved(cast)
    interval = 90
    first_due = away.contact_due_on(interval)
    services.record_contact(
        away, actor=cast.users["secretary_a"], on=today(), kind=Contact.Kind.CALL, note="Hỏi thăm"
    )
    away.refresh_from_db()
    assert away.last_contact_on == today()
    assert away.contact_due_on(interval) == today() + dt.timedelta(days=interval)
    assert first_due == away.approved_on + dt.timedelta(days=interval)


def test_contact_in_the_future_is_refused(cast):
    away = approved(cast)
    with pytest.raises(services.AwayError, match="tương lai"):
        services.record_contact(
            away, actor=None, on=today() + dt.timedelta(days=1), kind=Contact.Kind.CALL
        )


def test_selectors_report_away_members_in_bounded_queries(cast, django_assert_max_num_queries):
    away = approved(cast)
    filed(cast, "b1")  # not approved: not away
    with django_assert_max_num_queries(2):
        status = away_status([cast.members["a1"].pk, cast.members["b1"].pk], today())
    assert set(status) == {cast.members["a1"].pk}
    assert status[cast.members["a1"].pk].away_id == away.pk
    assert away_member_ids(cast.commune.path, today()) == {cast.members["a1"].pk}


def test_return_home_closes_the_period_and_ends_the_exemption(cast):
    away = approved(cast)
    ex = grant(
        away.member,
        actor=cast.users["commune_staff"],
        ground=services.exemption_grounds(away.organization)[1],
        start_on=today() - dt.timedelta(days=5),
        end_on=today() + dt.timedelta(days=60),
        away=away,
    )
    services.mark_returned(
        away,
        actor=cast.users["secretary_a"],
        on=today(),
        no_comment_reason="Cơ quan nơi đến đã giải thể",
    )
    away.refresh_from_db()
    ex.refresh_from_db()
    assert away.status == AwayPeriod.Status.RETURNED
    assert ex.end_on == today() and ex.status == "revoked"
    assert away_status([away.member_id], today() + dt.timedelta(days=1)) == {}


def test_broadcast_reaches_away_members_with_accounts(cast):
    away = approved(cast, "b1")  # b1 is secretary_b's member record
    assert away.member_id == cast.users["secretary_b"].member_id
    sent = services.broadcast(
        cast.commune, actor=cast.users["commune_staff"], title="Họp chi bộ tháng 12", body="…"
    )
    assert sent == 1
    assert Notification.objects.filter(user=cast.users["secretary_b"], kind="away.news").exists()


def test_destination_comment_is_requested_then_recorded_once(cast):
    away = approved(cast)
    year = today().year
    c = services.request_destination_comment(
        away, actor=cast.users["secretary_a"], year=year, authority="UBND phường Bình Hòa"
    )
    assert c.request_number.endswith("CV/ĐU")
    services.record_destination_comment(
        away,
        actor=cast.users["secretary_a"],
        year=year,
        authority="UBND phường Bình Hòa",
        text="Chấp hành tốt",
        received_on=today(),
    )
    from lienhe.away.selectors import destination_comments

    assert destination_comments([away.member_id], year)[away.member_id].text == "Chấp hành tốt"
    with pytest.raises(services.AwayError, match="không sửa lại"):
        services.record_destination_comment(
            away, actor=None, year=year, authority="x", text="khác", received_on=today()
        )
