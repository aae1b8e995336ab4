"""Away members (seed 004; Hướng dẫn 01-HD/TW as far as its text could be found)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lienhe.away import services
from lienhe.away.models import DestinationComment
from lienhe.notify.models import Notification

from .helpers import approved

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 20, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@time_machine.travel(NOON, tick=False)
def test_return_needs_the_destinations_comment_or_a_recorded_reason(cast):
    # Seed 004: members come back for the year-end review "với đầy đủ nhận xét của cơ
    # quan, chính quyền địa phương nơi đến làm việc, công tác".
    away = approved(cast)
    with pytest.raises(services.AwayError, match="nhận xét của cơ quan, chính quyền nơi đến"):
        services.mark_returned(away, actor=cast.users["secretary_a"], on=dt.date(2026, 11, 19))
    DestinationComment.objects.create(
        away=away,
        year=2026,
        authority="UBND phường nơi đến",
        text="Chấp hành tốt quy định địa phương.",
    )
    away = services.mark_returned(away, actor=cast.users["secretary_a"], on=dt.date(2026, 11, 19))
    assert away.status == "returned" and away.no_destination_comment_reason == ""


@time_machine.travel(NOON, tick=False)
def test_return_with_a_reason_records_it(cast):
    away = approved(cast)
    away = services.mark_returned(
        away,
        actor=cast.users["secretary_a"],
        on=dt.date(2026, 11, 19),
        no_comment_reason="Công ty nơi đến đã giải thể",
    )
    assert away.no_destination_comment_reason == "Công ty nơi đến đã giải thể"


@time_machine.travel(NOON, tick=False)
def test_temporary_residence_registration_is_recorded(cast):
    # Seed 004: "thực hiện việc đăng ký tạm trú với chính quyền nơi đến".
    away = approved(
        cast,
        temp_residence_place="Phường Dĩ An, TP Hồ Chí Minh",
        temp_residence_on=dt.date(2026, 3, 1),
    )
    away.refresh_from_db()
    assert away.temp_residence_place.startswith("Phường Dĩ An")
    assert away.temp_residence_on == dt.date(2026, 3, 1)


@time_machine.travel(NOON, tick=False)
def test_back_to_back_exemptions_over_twelve_months_prompt_a_temporary_transfer(cast):
    member = cast.members["a1"]
    staff = cast.users["commune_staff"]
    ground = services.exemption_grounds(member.organization)[1]
    services.grant_exemption(
        member,
        actor=staff,
        ground=ground,
        start_on=dt.date(2025, 6, 1),
        end_on=dt.date(2026, 1, 31),
    )
    assert not Notification.objects.filter(kind="away.exemption_chain").exists()
    assert services.back_to_back_start(member, dt.date(2026, 2, 1)) == dt.date(2025, 6, 1)
    services.grant_exemption(
        member,
        actor=staff,
        ground=ground,
        start_on=dt.date(2026, 2, 1),
        end_on=dt.date(2026, 10, 31),
    )
    note = Notification.objects.filter(kind="away.exemption_chain").first()
    assert note is not None and "sinh hoạt đảng tạm thời" in note.body
    # A gap breaks the run.
    assert services.back_to_back_start(member, dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)


def test_residence_cell_hears_of_the_away_report_and_the_exemption(cast):
    # w1 works at the agency and keeps in touch with cell A (a live letter).
    from tests.liaison.helpers import letter

    letter(cast, "active")
    away = approved_working(cast)
    notes = Notification.objects.filter(kind="away.residence_informed")
    assert {n.user.username for n in notes} == {"bithu"}
    services.grant_exemption(
        away.member,
        actor=cast.users["commune_staff"],
        ground=services.exemption_grounds(away.organization)[1],
        start_on=away.start_on,
        end_on=away.start_on + dt.timedelta(days=90),
        away=away,
    )
    ex_notes = Notification.objects.filter(kind="away.residence_exemption")
    assert {n.user.username for n in ex_notes} == {"bithu"}


def approved_working(cast):
    from tests.factories import make_user

    from .helpers import away_data

    make_user("cqcb", "cell_officer", cast.agency_cell)
    away = services.file_away(cast.members["w1"], actor=cast.users["agency_staff"], **away_data())
    away = services.cell_consider(
        away, actor=cast.users["agency_staff"], agree=True, opinion="Đồng ý"
    )
    return services.approve_away(away, actor=cast.users["agency_staff"])
