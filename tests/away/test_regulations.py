"""Away members (seed 004; Hướng dẫn 01-HD/TW as far as its text could be found)."""

import datetime as dt
import shutil
import subprocess
import tempfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lienhe.away import services
from lienhe.away.models import DestinationComment, Exemption, ExemptionApplication
from lienhe.notify.models import Notification

from .helpers import approved, grant

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
    grant(
        member,
        actor=staff,
        ground=ground,
        start_on=dt.date(2025, 6, 1),
        end_on=dt.date(2026, 1, 31),
    )
    assert not Notification.objects.filter(kind="away.exemption_chain").exists()
    assert services.back_to_back_start(member, dt.date(2026, 2, 1)) == dt.date(2025, 6, 1)
    grant(
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
    grant(
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


# --- temporary exemption: the member's application and the cell's proposal come first.


@time_machine.travel(NOON, tick=False)
def test_decision_without_the_members_application_and_the_cells_proposal_is_refused(cast):
    member = cast.members["a1"]
    ground = services.exemption_grounds(member.organization)[1]
    kwargs = dict(ground=ground, start_on=dt.date(2026, 12, 1), end_on=dt.date(2027, 3, 31))
    with pytest.raises(services.AwayError, match="Chưa có đơn xin tạm miễn"):
        services.grant_exemption(member, actor=cast.users["commune_staff"], **kwargs)
    app = services.apply_for_exemption(
        member,
        actor=cast.users["secretary_a"],
        reason="Đi làm việc tại Bình Dương đến hết tháng 3/2027",
        applied_on=dt.date(2026, 11, 15),
        **kwargs,
    )
    with pytest.raises(services.AwayError, match="đang chờ chi bộ xem xét"):
        services.grant_exemption(
            member, actor=cast.users["commune_staff"], application=app, **kwargs
        )
    assert not Exemption.objects.filter(member=member).exists()
    with pytest.raises(services.AwayError, match="không được trước ngày làm đơn"):
        services.propose_exemption(
            app,
            actor=cast.users["secretary_a"],
            agree=True,
            opinion="Đề nghị",
            on=dt.date(2026, 11, 1),
        )
    app = services.propose_exemption(
        app,
        actor=cast.users["secretary_a"],
        agree=True,
        opinion="Chi bộ họp ngày 18/11/2026 nhất trí đề nghị",
        on=dt.date(2026, 11, 18),
    )
    with pytest.raises(
        services.AwayError, match=r"không được trước ngày chi bộ đề nghị \(18/11/2026\)"
    ):
        services.grant_exemption(
            member,
            actor=cast.users["commune_staff"],
            application=app,
            issued_on=dt.date(2026, 11, 17),
            **kwargs,
        )
    ex = services.grant_exemption(
        member, actor=cast.users["commune_staff"], application=app, **kwargs
    )
    app.refresh_from_db()
    assert app.status == "decided" and app.exemption_id == ex.pk
    assert app.applied_on <= app.cell_proposed_on <= ex.issued_on
    # The application was used: it cannot carry a second decision.
    with pytest.raises(services.AwayError, match="không còn chờ cấp ủy quyết định"):
        services.grant_exemption(
            member,
            actor=cast.users["commune_staff"],
            application=app,
            ground=ground,
            start_on=dt.date(2027, 4, 1),
            end_on=dt.date(2027, 5, 31),
        )


@time_machine.travel(NOON, tick=False)
def test_cell_not_proposing_tells_the_member_and_blocks_the_decision(cast):
    member = cast.members["a1"]
    app = services.apply_for_exemption(
        member,
        actor=cast.users["secretary_a"],
        ground=services.exemption_grounds(member.organization)[1],
        start_on=dt.date(2026, 12, 1),
        end_on=dt.date(2027, 1, 31),
        reason="Xin tạm miễn",
    )
    app = services.propose_exemption(
        app, actor=cast.users["secretary_a"], agree=False, opinion="Đảng viên vẫn ở địa phương"
    )
    assert app.status == "not_proposed"
    assert services.pending_application(member) is None


@time_machine.travel(NOON, tick=False)
def test_application_continuing_a_run_beyond_twelve_months_shows_the_transfer_prompt(cast):
    member = cast.members["a1"]
    ground = services.exemption_grounds(member.organization)[1]
    grant(
        member,
        actor=cast.users["commune_staff"],
        ground=ground,
        start_on=dt.date(2026, 1, 1),
        end_on=dt.date(2026, 11, 30),
    )
    # 01/01/2026 – 31/12/2026 is exactly 12 months: no prompt.
    assert (
        services.chain_warning(member, dt.date(2026, 12, 1), dt.date(2026, 12, 31), NOON.date())
        == ""
    )
    warning = services.chain_warning(
        member, dt.date(2026, 12, 1), dt.date(2027, 2, 28), NOON.date()
    )
    assert "từ 01/01/2026 đến 28/02/2027 là quá 12 tháng" in warning
    assert "sinh hoạt đảng tạm thời" in warning


@time_machine.travel(NOON, tick=False)
def test_application_pages_cell_proposes_then_committee_decides(cast, login):
    member = cast.members["a1"]
    cell = login(cast.users["secretary_a"])
    ground = services.exemption_grounds(member.organization)[1]
    resp = cell.post(
        reverse("away:exemption_apply", args=[member.pk]),
        {
            "ground": ground,
            "start_on": "01/12/2026",
            "end_on": "31/03/2027",
            "reason": "Đi làm việc tại Bình Dương",
            "applied_on": "15/11/2026",
        },
    )
    app = ExemptionApplication.objects.get(member=member)
    assert resp.status_code == 302 and app.applied_on == dt.date(2026, 11, 15)
    committee = login(cast.users["commune_staff"])
    page = committee.get(reverse("away:exemption_create", args=[member.pk])).content.decode()
    assert "Chưa có đơn xin tạm miễn của đảng viên được chi bộ đề nghị" in page
    cell.post(
        reverse("away:exemption_application_propose", args=[app.pk]),
        {
            "decision": "propose",
            "opinion": "Chi bộ nhất trí",
            "on": "18/11/2026",
            "version": app.version,
        },
    )
    page = committee.get(reverse("away:exemption_create", args=[member.pk])).content.decode()
    assert (
        "Đơn ngày 15/11/2026 của đảng viên; chi bộ đề nghị ngày 18/11/2026: Chi bộ nhất trí" in page
    )
    resp = committee.post(
        reverse("away:exemption_create", args=[member.pk]),
        {"ground": ground, "start_on": "01/12/2026", "end_on": "31/03/2027", "detail": ""},
    )
    assert resp.status_code == 302
    app.refresh_from_db()
    assert app.status == "decided" and app.exemption.decision_number
    detail = committee.get(reverse("away:exemption", args=[app.exemption_id])).content.decode()
    assert "Đơn ngày 15/11/2026" in detail and "chi bộ đề nghị ngày 18/11/2026" in detail


@time_machine.travel(NOON, tick=False)
def test_exemption_list_shows_applications_waiting(cast, login):
    from .helpers import application

    app = application(cast)
    page = login(cast.users["commune_staff"]).get(reverse("away:exemptions")).content.decode()
    assert "Đơn xin tạm miễn đang chờ xem xét" in page
    assert reverse("away:exemption_application", args=[app.pk]) in page
    # Another commune's staff does not see it.
    other = login(cast.users["agency_staff"]).get(reverse("away:exemptions")).content.decode()
    assert reverse("away:exemption_application", args=[app.pk]) not in other


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@time_machine.travel(NOON, tick=False)
def test_exemption_decision_pdf_cites_the_application_and_the_proposal(cast, login):
    member = cast.members["a1"]
    ex = grant(
        member,
        actor=cast.users["commune_staff"],
        cell_actor=cast.users["secretary_a"],
        ground=services.exemption_grounds(member.organization)[1],
        start_on=dt.date(2026, 12, 1),
        end_on=dt.date(2027, 2, 28),
    )
    pdf = login(cast.users["commune_staff"]).get(reverse("away:exemption_pdf", args=[ex.pk]))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf.content)
        fh.flush()
        text = subprocess.run(
            ["pdftotext", fh.name, "-"], capture_output=True, check=True, text=True
        ).stdout
    text = " ".join(text.split())
    assert f"Xét đơn ngày 20/11/2026 của đồng chí {member.full_name}" in text
    assert f"đề nghị ngày 20/11/2026 của {cast.cell_a.name}" in text


@time_machine.travel(NOON, tick=False)
def test_decision_button_appears_only_once_the_cell_has_proposed(cast, login):
    """An approved away report offered "Quyết định tạm miễn sinh hoạt" before any
    application existed: the button led to a decision form that could only be refused
    (found by the away year journey)."""
    away = approved(cast)
    member = away.member
    decide = reverse("away:exemption_create", args=[member.pk])
    committee = login(cast.users["commune_staff"])
    detail = reverse("away:detail", args=[away.pk])
    assert decide not in committee.get(detail).content.decode()
    ground = services.exemption_grounds(member.organization)[1]
    app = services.apply_for_exemption(
        member,
        actor=cast.users["secretary_a"],
        ground=ground,
        start_on=dt.date(2026, 12, 1),
        end_on=dt.date(2027, 3, 31),
        reason="Đi làm việc tại Bình Dương",
        applied_on=dt.date(2026, 11, 15),
        away=away,
    )
    assert decide not in committee.get(detail).content.decode()
    services.propose_exemption(
        app,
        actor=cast.users["secretary_a"],
        agree=True,
        opinion="Chi bộ nhất trí",
        on=dt.date(2026, 11, 18),
        expected_version=app.version,
    )
    assert decide in committee.get(detail).content.decode()
