"""Issue 21 (session 7): the compliance page counts its rows once, with the window of
the page ([start, end]) and the catalogue figure's ([start, as-of]) in one query, and
the figure `visits_done_vs_required` reads those rows only when they count exactly what
it counts; its value is the catalogue's, read either way."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe.reports import figures
from lienhe.visits import compliance
from lienhe.visits.models import Committee, CommitteeMember, Position, Visit, VisitReport
from tests.visits.world import world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = NOW.date()
NAME = "visits_done_vs_required"


def _visits(cast, w):
    """Done visits before and after today (a report filed ahead of the date counts to
    the end of the period but not as of today), missed and planned ones, one late."""
    cm = w.visitor_cm
    done = [dt.date(2026, 2, 3), dt.date(2026, 5, 20), dt.date(2026, 6, 25)]
    for day in done:
        v = Visit.objects.create(
            committee_member=cm, cell=cast.cell_a, planned_on=day, state=Visit.State.DONE
        )
        VisitReport.objects.create(
            visit=v, attended_on=day, chair="A", content="B", quality="fair", days_late=2
        )
    Visit.objects.create(
        committee_member=w.standing,
        cell=cast.other_cell,
        planned_on=dt.date(2026, 3, 4),
        state=Visit.State.DONE,
    )
    Visit.objects.create(
        committee_member=w.standing,
        cell=cast.cell_b,
        planned_on=dt.date(2026, 6, 26),
        state=Visit.State.DONE,
    )
    Visit.objects.create(
        committee_member=w.standing,
        cell=cast.cell_b,
        planned_on=dt.date(2026, 4, 4),
        state=Visit.State.MISSED,
    )
    Visit.objects.create(committee_member=w.standing, cell=cast.cell_b, planned_on=TODAY)


# The visitor's done visits: 3 Feb, 20 May, 21 May (world's) and 25 June (after today):
# (done in the period, done as of min(today, end)).
VISITOR_DONE = {"year": (4, 3), "q1": (1, 1), "q2": (3, 2), "q3": (0, 0), "h1": (4, 3)}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("period", sorted(VISITOR_DONE))
def test_figure_from_the_page_rows_equals_the_catalogue(cast, period):
    w = world(cast)
    _visits(cast, w)
    start, end = compliance.period_bounds(2026, period)
    on = min(TODAY, end)
    rows = compliance.member_rows(w.committee, 2026, start=start, end=end, as_of=on)
    given = {NAME: {"rows": rows}}
    with CaptureQueriesContext(connection) as ctx:
        reused = figures.read(NAME, cast.province, on, start=start, given=given)
    assert len(ctx.captured_queries) == 1  # the committee in force only
    assert reused == figures.read(NAME, cast.province, on, start=start)
    visitor = next(r for r in rows if r.committee_member == w.visitor_cm)
    assert (visitor.done, visitor.done_as_of) == VISITOR_DONE[period]


@time_machine.travel(NOW, tick=False)
def test_running_year_counts_to_today_not_to_the_end(cast):
    w = world(cast)
    _visits(cast, w)
    rows = compliance.member_rows(w.committee, 2026, as_of=TODAY)
    visitor = next(r for r in rows if r.committee_member == w.visitor_cm)
    # world's done visit (20 days ago) and 3 of ours, one of them after today.
    assert (visitor.done, visitor.done_as_of, visitor.late) == (4, 3, 3)
    figure = figures.read(NAME, cast.province, TODAY, given={NAME: {"rows": rows}})
    # visitor: min(3, 3) of 3; standing: min(1, 2) of 2 (2 done by the end of the year).
    assert (figure["done"], figure["required"]) == (4, 5)
    assert figure == figures.read(NAME, cast.province, TODAY)


@time_machine.travel(NOW, tick=False)
def test_rows_that_count_something_else_are_not_read(cast):
    w = world(cast)
    _visits(cast, w)
    expected = figures.read(NAME, cast.province, TODAY)
    # Counted to the end of the year (as_of not today), a subset of the members, the
    # minimums of another year, another committee: the figure reads its own rows.
    other = Committee.objects.create(
        organization=cast.province,
        name="Khóa trước",
        term="Khóa XIX",
        term_start=dt.date(2020, 10, 1),
        term_end=dt.date(2025, 9, 30),
    )
    CommitteeMember.objects.create(
        committee=other, full_name="Nguyễn Cũ", position=Position.EXECUTIVE_COMMITTEE
    )
    for rows in (
        compliance.member_rows(w.committee, 2026),
        compliance.member_rows(
            w.committee,
            2026,
            members=CommitteeMember.objects.filter(pk=w.visitor_cm.pk),
            as_of=TODAY,
        ),
        compliance.member_rows(w.committee, 2025, start=dt.date(2026, 1, 1), as_of=TODAY),
        compliance.member_rows(other, 2026, as_of=TODAY),
    ):
        with CaptureQueriesContext(connection) as ctx:
            got = figures.read(NAME, cast.province, TODAY, given={NAME: {"rows": rows}})
        assert got == expected
        assert len(ctx.captured_queries) == 3  # committee, members with counts, minimums


@time_machine.travel(NOW, tick=False)
def test_loaded_members_and_queryset_give_the_same_rows(cast):
    w = world(cast)
    _visits(cast, w)
    by_query = compliance.member_rows(w.committee, 2026, as_of=TODAY)
    loaded = [r.committee_member for r in by_query]
    with CaptureQueriesContext(connection) as ctx:
        by_list = compliance.member_rows(w.committee, 2026, members=loaded, as_of=TODAY)
    assert len(ctx.captured_queries) == 2  # counts, minimums
    assert [vars(r) for r in by_list] == [vars(r) for r in by_query]
    standing = next(r for r in by_query if r.committee_member == w.standing)
    # Done at the other commune's remote cell and after today, missed one, one today.
    assert (standing.done, standing.missed, standing.planned, standing.remote_done) == (
        2,
        1,
        1,
        1,
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("query", ["?year=2026", "?year=2026&period=q3", "?year=2025"])
def test_compliance_page_shows_the_catalogue_figure(cast, login, query):
    w = world(cast)
    _visits(cast, w)
    http = login(cast.users["province_staff"])
    response = http.get(reverse("visits:compliance") + query)
    year = int(query[6:10])
    period = query.split("period=")[1] if "period=" in query else "year"
    start, end = compliance.period_bounds(year, period)
    figure = figures.shown([NAME], cast.province, min(TODAY, end), start=start)[0]
    assert f'<span id="fig-{NAME}">{figure["text"]}</span>' in response.text


@time_machine.travel(NOW, tick=False)
def test_seat_rows_are_the_member_rows_of_the_seats(cast):
    w = world(cast)
    _visits(cast, w)
    by_committee = {r.committee_member.pk: r for r in compliance.member_rows(w.committee, 2026)}
    seats = CommitteeMember.objects.filter(committee=w.committee, is_active=True)
    with CaptureQueriesContext(connection) as ctx:
        rows = compliance.seat_rows(seats, 2026)
    assert len(ctx.captured_queries) == 2  # seats with counts, minimums of their committee
    assert [r.committee_member.pk for r in rows] == list(seats.values_list("pk", flat=True))
    assert [vars(r) for r in rows] == [vars(by_committee[r.committee_member.pk]) for r in rows]


@time_machine.travel(NOW, tick=False)
def test_member_seat_rows_are_the_seat_rows_of_the_member(cast):
    """The dossier's compiled-once query (`lienhe.prepared`) gives the rows of
    `seat_rows` over the member's active seats, in one query plus the minimums."""
    w = world(cast)
    _visits(cast, w)
    seats = CommitteeMember.objects.filter(committee=w.committee).order_by("pk")
    for seat, member in zip(seats, cast.members.values(), strict=False):
        CommitteeMember.objects.filter(pk=seat.pk).update(member=member)
    holders = CommitteeMember.objects.filter(committee=w.committee, member__isnull=False)
    assert holders.count() >= 2
    for seat in holders:
        seats = CommitteeMember.objects.filter(member=seat.member_id, is_active=True)
        expected = compliance.seat_rows(seats, 2026)
        with CaptureQueriesContext(connection) as ctx:
            rows = compliance.member_seat_rows(seat.member_id, 2026)
        assert len(ctx.captured_queries) == (2 if rows else 1)
        assert [vars(r) for r in rows] == [vars(r) for r in expected]
