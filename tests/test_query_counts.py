"""Issue 21: every list, report and dossier page of the widest role (the province
board, `tinh`) issues the same SQL queries with 10 rows as with 200 rows in its scope.

Each module builds its rows on the shared cast (`build(cast, n)` brings the module's
rows to n), the pages are read once (the session row is written on the first request),
then counted; the counts with 10 and with 200 rows must be equal, page by page. The
red-flag page has its own test (tests/reports/test_redflags.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe.away import fees
from lienhe.away import services as away_services
from lienhe.away.models import AwayPeriod
from lienhe.meetings.models import Attendance, Meeting
from lienhe.members.models import Member
from lienhe.petitions import services as petition_services
from lienhe.petitions.models import Agency, Petition
from lienhe.reviews.constants import DUTY_KEYS, Purpose
from lienhe.reviews.models import ResidenceComment, YearReview
from lienhe.visits.models import CommitteeMember, Position, Visit, VisitAssignment
from tests.away.helpers import away_data
from tests.factories import MemberFactory
from tests.liaison.helpers import letter
from tests.meetings.helpers import at, make_meeting
from tests.petitions.world import make_petition
from tests.reviews.data import live_introduction
from tests.visits.world import world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = NOW.date()
SEARCH = "?q=nguyen"


def _new_members(cast, n: int, tag: str, **fields) -> list[Member]:
    """Members named "Nguyễn Văn <tag> i" (the searches find them), created once."""
    fields.setdefault("organization", cast.cell_a)
    have = Member.objects.filter(full_name__startswith=f"Nguyễn Văn {tag} ").count()
    return [MemberFactory(full_name=f"Nguyễn Văn {tag} {i}", **fields) for i in range(have, n)]


# --- builders: bring the module's rows to n ------------------------------------------


def members(cast, n):
    _new_members(cast, n, "Dân", organization=cast.cell_b)
    _new_members(cast, n // 2, "Làm", organization=cast.agency_cell, is_working=True)
    dossier = cast.members["w1"]
    return [
        reverse("members:list"),
        reverse("members:list") + SEARCH,
        reverse("members:detail", kwargs={"pk": dossier.pk}),
    ]


def letters(cast, n):
    for i, member in enumerate(
        _new_members(cast, n, "Giấy", organization=cast.agency_cell, is_working=True)
    ):
        state = ("active", "issued", "handed_in", "draft")[i % 4]
        letter(cast, state, member=member, residence=(cast.cell_a, cast.cell_b)[i % 2])
    one = letter(cast, "active")
    return [
        reverse("liaison:list"),
        reverse("liaison:list") + SEARCH,
        reverse("reports:participation"),
        reverse("liaison:detail", kwargs={"pk": one.pk}),
    ]


def meetings(cast, n):
    have = Meeting.objects.count()
    for i in range(have, n):
        cell = (cast.cell_a, cast.cell_b, cast.other_cell)[i % 3]
        state = Meeting.State.HELD if i % 2 else Meeting.State.PLANNED
        make_meeting(
            cell,
            when=at(dt.date(2026, 1 + i % 12, 1 + i % 28)),
            state=state,
            expected_count=10,
            present_count=8 if state == Meeting.State.HELD else 0,
        )
    # The meeting page lists its invitees: n of them.
    held = Meeting.objects.filter(organization=cast.cell_a).order_by("pk").first()
    invited = set(Attendance.objects.filter(meeting=held).values_list("member_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(meeting=held, member=m, status=("present", "absent")[m.pk % 2])
        for m in _new_members(cast, n, "Họp")
        if m.pk not in invited
    )
    return [
        reverse("meetings:list"),
        reverse("meetings:list") + "?when=all",
        reverse("meetings:list") + SEARCH,
        reverse("meetings:report"),
        reverse("meetings:detail", kwargs={"pk": held.pk}),
    ]


def petitions(cast, n):
    agency = Agency.objects.get_or_create(
        name="Sở Y tế tỉnh", defaults={"kind": "department", "organization": cast.agency}
    )[0]
    for i in range(Petition.objects.count(), n):
        petition = make_petition(
            (cast.cell_a, cast.cell_b, cast.other_cell)[i % 3],
            summary=f"Nguyễn Văn kiến nghị đường thôn số {i}",
            raised_by_user=cast.users["visitor"],
        )
        if i % 2:
            petition = petition_services.assign(petition, agency, actor=cast.users["commune_staff"])
        if i % 4 == 1:
            petition_services.answer_petition(petition, answer="Đã sửa xong.")
    one = Petition.objects.order_by("pk").first()
    return [
        reverse("petitions:list"),
        reverse("petitions:list") + SEARCH,
        reverse("petitions:report"),
        reverse("petitions:detail", kwargs={"pk": one.pk}),
    ]


def away(cast, n):
    staff, officer = cast.users["commune_staff"], cast.users["secretary_a"]
    for i, member in enumerate(_new_members(cast, n, "Xa")):
        period = away_services.file_away(member, actor=officer, **away_data())
        period = away_services.cell_consider(period, actor=officer, agree=True, opinion="Đồng ý")
        period = away_services.approve_away(period, actor=staff)
        fees.record_payment(member, actor=officer, month=TODAY, amount=5000, method="cash")
        if i % 3 == 0:
            away_services.request_transfer(
                member, actor=officer, kind="official", reason="Chuyển", to_organization=cast.cell_b
            )
        if i % 3 == 1:
            away_services.apply_for_exemption(
                member,
                actor=officer,
                ground=away_services.exemption_grounds(member.organization)[1],
                start_on=TODAY,
                end_on=TODAY + dt.timedelta(days=90),
                reason="Đi làm ăn xa",
                away=period,
            )
    one = AwayPeriod.objects.order_by("pk").first()
    return [
        reverse("away:list"),
        reverse("away:list") + SEARCH,
        reverse("away:report"),
        reverse("away:exemptions"),
        reverse("away:transfers"),
        reverse("away:fees"),
        reverse("away:detail", kwargs={"pk": one.pk}),
    ]


def reviews(cast, n):
    for i, member in enumerate(
        _new_members(cast, n, "Xét", organization=cast.agency_cell, is_working=True)
    ):
        sent = i % 2 == 0
        ResidenceComment.objects.create(
            member=member,
            introduction=live_introduction(cast, member=member),
            residence_org=(cast.cell_a, cast.cell_b)[i % 2],
            workplace_org=cast.agency_cell,
            requested_via="workplace",
            year=2026,
            purpose=Purpose.YEARLY,
            due_on=dt.date(2026, 11, 30),
            state=ResidenceComment.State.SENT if sent else ResidenceComment.State.REQUESTED,
            duties=dict.fromkeys(DUTY_KEYS, "Tốt") if sent else {},
            conclusion=0 if sent else None,
            conclusion_label="Thực hiện tốt" if sent else "",
            sent_at=NOW if sent else None,
        )
        if i % 3 == 0:
            YearReview.objects.create(member=member, year=2026, organization=member.organization)
    one = ResidenceComment.objects.order_by("pk").first()
    return [
        reverse("reviews:list") + "?year=2026",
        reverse("reviews:list") + "?year=2026&q=nguyen",
        reverse("reviews:review_list") + "?year=2026",
        reverse("reviews:review_list") + "?year=2026&q=nguyen",
        reverse("reviews:report") + "?year=2026",
        reverse("reviews:comment_detail", kwargs={"pk": one.pk}),
    ]


def visits(cast, n):
    w = world(cast)
    cells = (cast.cell_a, cast.cell_b, cast.other_cell)
    for i in range(CommitteeMember.objects.count(), n):
        cm = CommitteeMember.objects.create(
            committee=w.committee,
            full_name=f"Nguyễn Văn Ủy {i}",
            title="Tỉnh ủy viên",
            position=Position.EXECUTIVE_COMMITTEE,
        )
        cell = cells[i % 3]
        VisitAssignment.objects.create(committee_member=cm, year=2026, cell=cell)
        Visit.objects.create(
            committee_member=cm,
            cell=cell,
            planned_on=dt.date(2026, 6, 1 + i % 28),
            state=(Visit.State.PLANNED, Visit.State.DONE)[i % 2],
        )
    return [
        reverse("visits:committees"),
        reverse("visits:plan") + "?month=2026-06",
        reverse("visits:compliance") + "?year=2026",
        reverse("visits:committee_detail", kwargs={"pk": w.committee.pk}),
        reverse("visits:visit_detail", kwargs={"pk": w.done.pk}),
    ]


MODULES = [members, letters, meetings, petitions, away, reviews, visits]


def _counts(client, urls) -> dict[str, int]:
    result = {}
    for url in urls:
        assert client.get(url).status_code == 200, url  # writes the session the first time
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        result[url] = len(ctx.captured_queries)
    return result


@pytest.mark.parametrize("build", MODULES, ids=lambda f: f.__name__)
def test_pages_issue_the_same_queries_for_10_and_200_rows(cast, login, build):
    with time_machine.travel(NOW, tick=False):
        client = login(cast.users["province_staff"])
        urls = build(cast, 10)
        small = _counts(client, urls)
        build(cast, 200)
        large = _counts(client, urls)
    assert large == small


def test_comment_and_review_lists_pin_their_queries(cast, login):
    """The comment list and the review list at 10 and 200 rows, counted exactly
    (issue 21): 8 each, 7 for a comment search. Session, user, roles, unread count,
    then the comment list's count, page of ids, the page's rows as values and the
    user's organizations for the request buttons (a search: its count and page of ids
    in one query, as the letters search); the review list's count, the page's members
    as values, their reviews and their comments. Links and labels are made once per
    page."""
    with time_machine.travel(NOW, tick=False):
        client = login(cast.users["province_staff"])
        urls = reviews(cast, 10)[:4]
        small = _counts(client, urls)
        reviews(cast, 200)
        large = _counts(client, urls)
    expected = dict.fromkeys(urls, 8)
    expected[reverse("reviews:list") + "?year=2026&q=nguyen"] = 7
    assert small == large == expected


# Pages made cheaper in issue 21, session 7 (s7-visits): their counts, pinned. The
# compliance page reads its committee rows once, with their counts (was twice, each in
# three queries: 19 → 12); the dossier of a committee member counts his seat's visits
# with one query less, the fee balance in one query, and reads no destination comment
# without an away period (22 → 19). Session 7 (s7-dossier): the seats are read with
# their counts, and one query says which away lists the member has records in; only
# those are read (19 → 15 for a member without any).
PINNED = {
    "visits:compliance": 12,
    "members:detail": 15,
}


def test_pinned_counts_for_10_and_200_rows(cast, login):
    with time_machine.travel(NOW, tick=False):
        client = login(cast.users["province_staff"])
        w = world(cast)
        seat = CommitteeMember.objects.create(
            committee=w.committee,
            member=cast.members["w1"],
            full_name=cast.members["w1"].full_name,
            position=Position.EXECUTIVE_COMMITTEE,
        )
        urls = {
            "visits:compliance": reverse("visits:compliance") + "?year=2026",
            "members:detail": reverse("members:detail", kwargs={"pk": seat.member_id}),
        }
        counts = []
        for n in (10, 200):
            visits(cast, n)
            Visit.objects.bulk_create(
                Visit(
                    committee_member=seat,
                    cell=(cast.cell_a, cast.cell_b, cast.other_cell)[i % 3],
                    planned_on=dt.date(2026, 1 + i % 12, 1 + i % 28),
                    year=2026,
                    state=(Visit.State.PLANNED, Visit.State.DONE, Visit.State.MISSED)[i % 3],
                )
                for i in range(seat.visits.count(), n)
            )
            got = _counts(client, urls.values())
            counts.append({name: got[url] for name, url in urls.items()})
    assert counts == [PINNED, PINNED]
