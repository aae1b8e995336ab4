"""`lienhe.prepared`: querysets compiled once per process give the rows of the queryset
itself, and a builder whose SQL cannot be reused is refused on its first call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lienhe import prepared as prep
from lienhe.meetings.models import Attendance
from lienhe.members.models import Member

pytestmark = pytest.mark.django_db


def test_every_prepared_builder_compiles():
    """Each builder of the project compiles with both sets of stand-ins (else its first
    call in production would raise NotPreparable)."""
    import lienhe.away.fees
    import lienhe.away.selectors
    import lienhe.liaison.selectors
    import lienhe.meetings.panels
    import lienhe.meetings.selectors
    import lienhe.members.views
    import lienhe.reviews.registry
    import lienhe.visits.compliance  # noqa: F401

    ours = [run for run in prep.PREPARED if run.__module__.startswith("lienhe.")]
    assert len(ours) >= 8
    for run in ours:
        prep._prepare(run.build, run.kinds)


def test_rows_are_those_of_the_queryset(cast):
    """Instances with their select_related objects, dicts, tuples; other arguments
    after the first call; one query each, like the queryset."""
    from lienhe.away import fees
    from lienhe.meetings.panels import _attendance_rows
    from lienhe.meetings.selectors import _member_summary
    from lienhe.visits.compliance import _member_seats

    year = timezone.localdate().year
    today = timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for member in Member.objects.all()[:6]:
        for run, args in [
            (_attendance_rows, (member.pk, year)),
            (_member_summary, (member.pk, year)),
            (fees._member_sums, (member.pk, today.replace(day=1))),
            (_member_seats, (member.pk, year, start, end, today)),
        ]:
            with CaptureQueriesContext(connection) as ctx:
                rows = run(*args)
            assert len(ctx.captured_queries) == 1
            expected = list(run.build(*args))
            assert rows == expected
            if rows and hasattr(rows[0], "_state"):
                assert [vars(r) for r in rows] == [vars(r) for r in expected]


def test_attendance_rows_keep_their_related_objects(cast):
    from lienhe.meetings.panels import _attendance_rows

    attendance = Attendance.objects.select_related("meeting__organization").first()
    if attendance is None:
        pytest.skip("no attendance in the cast")
    (row, *_rest) = _attendance_rows(attendance.member_id, attendance.meeting.year) or [None]
    assert row is not None
    with CaptureQueriesContext(connection) as ctx:
        assert row.meeting.organization.name
    assert ctx.captured_queries == []


def test_arguments_of_another_type_are_built_as_usual():
    @prep.prepared
    def by_pk(pk: int) -> QuerySet:
        return Member.objects.filter(pk=pk)

    assert by_pk("1") == []  # a str: the queryset is built and run as usual
    assert by_pk(True) == list(Member.objects.filter(pk=True))


def test_a_transformed_argument_is_refused():
    @prep.prepared
    def joined_in(year: int) -> QuerySet:
        return Member.objects.filter(joined_on__year=year)

    with pytest.raises(prep.NotPreparable):
        joined_in(2020)


def test_a_value_of_its_own_is_refused():
    @prep.prepared
    def since(pk: int) -> QuerySet:
        return Member.objects.filter(pk=pk, created_at__lte=timezone.now())

    with pytest.raises(prep.NotPreparable):
        since(1)


def test_sql_that_depends_on_a_value_is_refused():
    @prep.prepared
    def first_ones(n: int) -> QuerySet:
        return Member.objects.order_by("pk")[:n]

    with pytest.raises(prep.NotPreparable):
        first_ones(3)


def test_an_argument_missing_from_the_sql_is_refused():
    @prep.prepared
    def ignoring(pk: int, day: dt.date) -> QuerySet:
        return Member.objects.filter(pk=pk)

    with pytest.raises(prep.NotPreparable):
        ignoring(1, dt.date(2026, 1, 1))
