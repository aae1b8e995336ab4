"""The national data set builder (`seed_demo --national`): consistency on a small set,
on whichever database the suite runs (COPY on PostgreSQL, executemany on SQLite)."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum

from lienhe.away.models import AwayPeriod, FeeDue, FeePayment
from lienhe.demo.context import DemoContext
from lienhe.demo.national import build_national, province_count
from lienhe.liaison.models import Introduction
from lienhe.meetings.models import Attendance, Meeting
from lienhe.members.models import Member
from lienhe.orgs.admin_units import load_admin_units
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.petitions.models import Petition
from lienhe.reports.periodic import build_report, national_root, parse_period
from lienhe.reviews.models import ResidenceComment, YearReview
from lienhe.text import fold
from lienhe.visits.models import Visit

TODAY = dt.date(2026, 11, 23)
SIZE = 2000


@pytest.fixture
def national(db):
    load_admin_units(AdminUnit)
    ctx = DemoContext(rng=random.Random(7), today=TODAY, members=SIZE)
    counts = build_national(ctx)
    return ctx, counts


def test_counts_and_provinces_as_requested(national):
    ctx, counts = national
    assert Member.objects.count() == SIZE == counts["Member"]
    roots = Organization.objects.filter(depth=1)
    assert roots.count() == province_count(SIZE) == 2
    assert set(roots.values_list("kind", flat=True)) == {"province"}
    per_province = [Member.objects.in_subtree(p).count() for p in roots]
    assert sum(per_province) == SIZE and min(per_province) > 0
    for name in ("Meeting", "Attendance", "Introduction", "Visit", "Petition", "YearReview"):
        assert counts[name] > 0, name


def test_tree_paths_are_valid(national):
    orgs = {o.pk: o for o in Organization.objects.all()}
    paths = {o.path for o in orgs.values()}
    for org in orgs.values():
        assert len(org.path) == 4 * org.depth
        if org.depth > 1:
            assert org.path[:-4] in paths  # the parent exists
        assert org.numchild == sum(
            1 for o in orgs.values() if o.depth == org.depth + 1 and o.path.startswith(org.path)
        )
    # treebeard agrees with the in-memory paths.
    assert Organization.find_problems() == ([], [], [], [], [])


def test_members_sit_in_existing_cells_with_folded_names(national):
    cells = set(Organization.objects.filter(kind="cell").values_list("pk", flat=True))
    for member in Member.objects.all()[:300]:
        assert member.organization_id in cells
        assert member.search_name == fold(member.full_name)
        member.full_clean()  # card number, citizen id and phone formats
    assert Member.objects.values("card_number").distinct().count() == SIZE


def test_attendance_belongs_to_the_meetings_cell_and_matches_counters(national):
    assert not Attendance.objects.exclude(
        member__organization_id=F("meeting__organization_id")
    ).exists()
    held = Meeting.objects.filter(state="held")
    assert held.exists()
    per_meeting = {
        row["meeting_id"]: row
        for row in Attendance.objects.values("meeting_id").annotate(
            n=Count("id"), present=Count("id", filter=Q(status__in=["present", "late"]))
        )
    }
    for meeting in held:
        row = per_meeting.get(meeting.pk, {"n": 0, "present": 0})
        assert (meeting.expected_count, meeting.present_count) == (row["n"], row["present"])
    # One regular meeting per cell and month (the model's constraint holds).
    assert (
        Meeting.objects.values("organization_id", "period").annotate(n=Count("id")).filter(n__gt=1)
    ).count() == 0


def test_activity_references_the_right_organizations(national):
    # Letters: a working member, from their workplace base to a residence cell.
    for intro in Introduction.objects.select_related("member__organization", "residence_org")[:200]:
        assert intro.member.is_working
        assert intro.member.organization.path.startswith(
            Organization.objects.get(pk=intro.workplace_org_id).path
        )
        assert intro.residence_org.side == "residence" and intro.residence_org.kind == "cell"
    assert not Visit.objects.exclude(cell__kind="cell").exists()
    assert not Petition.objects.exclude(organization__kind="cell").exists()
    assert not AwayPeriod.objects.exclude(organization_id=F("member__organization_id")).exists()
    assert not FeeDue.objects.exclude(organization_id=F("member__organization_id")).exists()
    assert FeePayment.objects.count() <= FeeDue.objects.count()
    assert not YearReview.objects.exclude(organization_id=F("member__organization_id")).exists()
    assert (
        ResidenceComment.objects.filter(year=TODAY.year - 1).count()
        == Member.objects.filter(is_working=True).count()
    )


def test_sequences_continue_after_the_loaded_ids(national):
    cell = Organization.objects.filter(kind="cell").first()
    meeting = Meeting.objects.create(
        organization=cell,
        kind="thematic",
        title="Sau khi nạp",
        planned_at=Meeting.objects.latest("planned_at").planned_at,
        year=TODAY.year,
    )
    assert meeting.pk > Meeting.objects.exclude(pk=meeting.pk).latest("pk").pk


def test_national_report_is_the_sum_of_the_provinces(national):
    # Read on the demo's own day: the year is still running, so every figure has a value
    # (on 01/01 of the next year the period is closed and "members" has no history).
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        _national_report_is_the_sum_of_the_provinces()


def _national_report_is_the_sum_of_the_provinces():
    period = parse_period(str(TODAY.year))
    provinces = list(Organization.objects.filter(depth=1))
    whole = build_report(national_root(), period)
    parts = [build_report(p, period) for p in provinces]
    for section in whole:
        for index, figure in enumerate(section.figures):
            if figure.kind != "int" or figure.value is None:
                continue
            total = sum(
                next(s for s in part if s.key == section.key).figures[index].value or 0
                for part in parts
            )
            assert figure.value == total, (section.key, figure.label)
    members = next(s for s in whole if s.key == "members").figures[0]
    # The catalogue figure "members" (issue 16): members with status active.
    assert members.name == "members"
    assert members.value == Member.objects.filter(status="active").count()


def test_fees_can_be_left_out(db):
    load_admin_units(AdminUnit)
    ctx = DemoContext(rng=random.Random(1), today=TODAY, members=300)
    ctx.extras["fees"] = False
    build_national(ctx)
    assert not FeeDue.objects.exists()
    assert Member.objects.aggregate(n=Count("id"))["n"] == 300
    assert FeeDue.objects.aggregate(s=Sum("amount"))["s"] is None


def test_command_builds_national_set(db, capsys):
    call_command("seed_demo", national=True, members=500, quiet=True, today="2026-11-23")
    assert Member.objects.count() == 500
    assert Organization.objects.filter(depth=1).count() == 2
    assert "toàn quốc" in capsys.readouterr().out


def test_periodic_section_rewrites_equal_the_module_selectors(national):
    """The periodic report's own aggregates (ungrouped, no join for the national root)
    give the figures of the modules' selectors on the national data set."""
    from lienhe.reports.module_sections import participation_totals
    from lienhe.reports.participation import participation
    from lienhe.reviews import selectors
    from lienhe.reviews.periodic import _reviews

    end = dt.date(TODAY.year, 12, 31)
    for org in [national_root(), *Organization.objects.filter(depth__lte=2)[:4]]:
        mine = participation_totals(org, end)
        if org.path:
            theirs = participation(org, end).totals
            for key in ("working", "exempt", "active", "overdue", "required", "rate"):
                assert mine[key] == theirs[key], (org, key)
            for year in (TODAY.year - 1, TODAY.year):
                levels = {r["level"]: r["n"] for r in selectors.review_distribution(org, year)}
                reviews = _reviews(org, year)
                assert reviews.pop("conflicts") == selectors.conflicts(org, year).count()
                assert reviews == levels
        else:
            assert (
                mine["working"] == Member.objects.filter(is_working=True, status="active").count()
            )
            # The periodic report's copy of the comment coverage is gone (issue 16): one
            # definition, reviews.selectors.comment_counts, which needs no join here.
            from lienhe.reviews.models import ResidenceComment

            counts = selectors.comment_counts(org, TODAY.year, end)
            assert counts["requested"] == (
                ResidenceComment.objects.filter(year=TODAY.year, purpose="yearly")
                .exclude(state="superseded")
                .count()
            )


def test_bulk_load_restores_indexes_and_constraints(db):
    """Big tables are loaded without their secondary indexes, which come back after."""
    from django.db import IntegrityError, connection, transaction

    from lienhe.demo.national import RowWriter

    if connection.vendor != "postgresql":
        pytest.skip("COPY and index rebuild are PostgreSQL-only")

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                [Attendance._meta.db_table],
            )
            return set(cursor.fetchall())

    before = indexes()
    load_admin_units(AdminUnit)
    ctx = DemoContext(rng=random.Random(3), today=TODAY, members=300)
    build_national(ctx, RowWriter(rebuild_indexes_from=1))
    assert indexes() == before
    row = Attendance.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            meeting_id=row.meeting_id, member_id=row.member_id, status="present"
        )


def test_last_years_reviews_are_under_qd366_with_a_score_in_the_levels_band(national):
    # Quy định 366-QĐ/TW (30/8/2025) applies to the reviews of 2025: each carries it and
    # a score whose band (Điều 11) allows the level decided.
    from lienhe.reviews.constants import LEVEL_RANK, ReviewLevel, level_for_score

    reviews = YearReview.objects.filter(year=TODAY.year - 1)
    assert reviews.exists()
    assert set(reviews.values_list("regulation", flat=True)) == {"qd366"}
    for r in reviews.only("decision_level", "score_general", "score_tasks")[:500]:
        assert r.score is not None and r.score_general <= 30 and r.score_tasks <= 70
        assert LEVEL_RANK[ReviewLevel(r.decision_level)] <= LEVEL_RANK[level_for_score(r.score)]
