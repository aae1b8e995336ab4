"""Summaries (issue 21): the per-organization counters agree with the source tables on
the demo and after an import, a merge of two cells and a move of a subtree; subtree
figures are sums over the path prefix; the nightly check repairs a corrupted counter;
the home page for the province board issues a bounded number of queries whatever the
row count."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe.away.models import FeeClaim, Transfer
from lienhe.liaison.models import Introduction, overdue_q
from lienhe.members import importers
from lienhe.members.models import Member
from lienhe.orgs import services as org_services
from lienhe.orgs.models import Organization
from lienhe.petitions.models import Petition
from lienhe.reports import figures
from lienhe.summaries import services
from lienhe.summaries.models import OrgCounter, SubtreeCounter
from tests.factories import MemberFactory
from tests.liaison.helpers import letter

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
ACTIVE = (Member.Status.ACTIVE, Member.Status.EXEMPTED)


def source_figures(org: Organization, on: dt.date) -> dict:
    """The figures counted straight from the source tables (the definitions before
    issue 21), to compare with what the summaries give."""
    members = Member.objects.filter(organization__path__startswith=org.path)
    active = members.filter(status=Member.Status.ACTIVE)
    if org.side == Organization.Side.RESIDENCE:
        overdue = Introduction.objects.filter(
            overdue_q(on), residence_org__path__startswith=org.path
        ).count()
    else:
        overdue = (
            Introduction.objects.filter(
                overdue_q(on),
                member__is_working=True,
                member__status=Member.Status.ACTIVE,
                member__organization__path__startswith=org.path,
            )
            .values("member_id")
            .distinct()
            .count()
        )
    orgs = Organization.objects.filter(path__startswith=org.path, is_active=True)
    petitions = Petition.objects.filter(organization__path__startswith=org.path)
    claims = FeeClaim.objects.filter(organization__path__startswith=org.path)
    incoming = Transfer.objects.filter(to_organization__path__startswith=org.path)
    return {
        "members": active.count(),
        "working": active.filter(is_working=True).count(),
        "overdue": overdue,
        "home": {
            "members": members.filter(status__in=ACTIVE).count(),
            "working": members.filter(status__in=ACTIVE, is_working=True).count(),
            "organizations": orgs.count(),
            "cells": orgs.filter(kind=Organization.Kind.CELL).count(),
        },
        "petitions_overdue": petitions.filter(
            state__in=Petition.WAITING_STATES, due_on__lt=on
        ).count(),
        "petitions_new": petitions.filter(state=Petition.State.NEW).count(),
        "fee_claims_pending": claims.filter(status=FeeClaim.Status.PENDING).count(),
        "transfers_incoming": incoming.filter(status=Transfer.Status.SENT).count(),
    }


def summary_figures(org: Organization, on: dt.date) -> dict:
    from lienhe.members.figures import subtree_totals

    return {
        "members": figures.members(org, on)["value"],
        "working": figures.working_members(org, on)["value"],
        "overdue": figures.letters_overdue(org, on)["value"],
        "home": subtree_totals([org.path]),
        "petitions_overdue": services.totals([org.path], ["petitions.overdue"], on)[
            "petitions.overdue"
        ],
        **{
            name: services.totals([org.path], [key], on)[key]
            for name, key in (
                ("petitions_new", "petitions.new"),
                ("fee_claims_pending", "fees.claims.pending"),
                ("transfers_incoming", "transfers.to.sent"),
            )
        },
    }


def assert_agree(on: dt.date, orgs=None) -> None:
    orgs = orgs if orgs is not None else Organization.objects.all()
    for org in orgs:
        assert summary_figures(org, on) == source_figures(org, on), org.name
    assert services.check(repair=False) == []


def test_summaries_agree_with_the_source_tables_on_the_demo():
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", "--members", "150", "--seed", "1", "--quiet")
        today = NOW.date()
        assert Member.objects.count() >= 150
        assert Introduction.objects.filter(overdue_q(today)).exists()  # the test can fail
        # the province, each commune/base and a sample of cells, today and at two dates
        tops = Organization.objects.filter(depth__lte=2)
        cells = Organization.objects.filter(kind=Organization.Kind.CELL)[:20]
        for on in (today, today - dt.timedelta(days=45), today + dt.timedelta(days=20)):
            assert_agree(on, [*tops, *cells])


def test_letters_overdue_is_right_on_the_day_it_is_read(cast):
    """No nightly roll: a letter issued today becomes overdue the day after its
    deadline by the stored changes by day, and stops counting when handed in."""
    with time_machine.travel(NOW, tick=False) as clock:
        member = MemberFactory(organization=cast.agency_cell, is_working=True)
        intro = letter(cast, "issued", member=member, issued_days_ago=0)
        due = Introduction.objects.get(pk=intro.pk).due_on
        assert figures.letters_overdue(cast.province, due)["value"] == 0
        day_after = due + dt.timedelta(days=1)
        assert figures.letters_overdue(cast.province, day_after)["value"] == 1
        assert figures.letters_overdue(cast.cell_a, day_after)["value"] == 1  # residence side
        clock.move_to(dt.datetime.combine(day_after, NOW.timetz()))
        from lienhe.liaison import services as liaison

        liaison.confirm_handin(intro, handed_in_on=day_after, actor=cast.users["secretary_a"])
        assert figures.letters_overdue(cast.province, day_after)["value"] == 0
        assert figures.letters_overdue(cast.province, due + dt.timedelta(days=2))["value"] == 0
        assert_agree(day_after)


def _import_rows(n: int) -> bytes:
    lines = [
        "Số thẻ đảng viên;Họ và tên;Ngày sinh;Giới tính;Chi bộ;Ngày vào Đảng;"
        "Ngày chính thức;Đang công tác;Cơ quan công tác"
    ]
    for i in range(n):
        cell = "Chi bộ Tổ dân phố 1" if i % 3 else "Chi bộ Tổ dân phố 2"
        working = "Có;Trường THCS" if i % 2 else ";"
        lines.append(
            f"{94000000 + i};Người Thử {i};05/11/1985;Nữ;{cell};19/05/2010;19/05/2011;{working}"
        )
    return ("\n".join(lines) + "\n").encode()


def test_summaries_agree_after_an_import_a_merge_and_a_move(cast):
    from tests.away import helpers as away

    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        # a fee claim in cell_a and a transfer sent from there to other_cell (moved below)
        away.claim(cast)
        away.transfer(cast)
        assert source_figures(cast.province, today)["fee_claims_pending"] == 1
        assert source_figures(cast.province, today)["transfers_incoming"] == 1
        before = figures.members(cast.commune, today)["value"]
        plan = importers.commit(
            _import_rows(200), "m.csv", cast.commune, actor=cast.users["commune_staff"]
        )
        assert len(plan.creates) == 200
        assert figures.members(cast.commune, today)["value"] == before + 200
        assert_agree(today)

        # merge two cells: members (and their counters) go to the survivor
        org_services.merge_cells(cast.cell_b, cast.cell_a, actor=cast.users["admin"])
        cell_a = Organization.objects.get(pk=cast.cell_a.pk)
        assert figures.members(cell_a, today)["value"] == source_figures(cell_a, today)["members"]
        assert (
            OrgCounter.objects.filter(organization=cast.cell_b, key="members.active").count() == 0
        )
        assert_agree(today)

        # move a subtree: the agency and its cell go under the other commune
        before = figures.members(cast.province, today)["value"]
        moved = org_services.move_subtree(
            cast.agency, cast.other_commune, actor=cast.users["admin"]
        )
        other = Organization.objects.get(pk=cast.other_commune.pk)
        assert moved.path.startswith(other.path)
        assert figures.members(cast.province, today)["value"] == before
        assert figures.members(other, today)["value"] == source_figures(other, today)["members"] > 0
        assert_agree(today)


def test_nightly_check_logs_and_repairs_a_corrupted_counter(cast, caplog):
    from lienhe.notify.services import run_daily

    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        right = figures.members(cast.commune, today)["value"]
        row = OrgCounter.objects.get(organization=cast.cell_a, key="members.active")
        row.value += 7
        row.save()
        OrgCounter.objects.filter(organization=cast.cell_b, key="orgs.cells").delete()
        # readers read the subtree roll-ups (issue 21): corrupt the commune's too
        rolled = SubtreeCounter.objects.get(organization=cast.commune, key="members.active")
        rolled.value += 7
        rolled.save()
        assert figures.members(cast.commune, today)["value"] == right + 7
        with caplog.at_level(logging.WARNING, logger="lienhe.summaries"):
            done = run_daily(today)
        assert done["summaries.check"] == 3  # two counters, one roll-up
        assert "summaries mismatch" in caplog.text and "members.active" in caplog.text
        assert figures.members(cast.commune, today)["value"] == right
        assert services.check(repair=False) == []
        assert run_daily(today)["summaries.check"] == 0


def test_rebuild_command_is_a_full_recount(cast):
    OrgCounter.objects.all().delete()
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert services.check(repair=False) == []
    assert figures.members(cast.province, NOW.date())["value"] == 5


def _petition(org, summary):
    from lienhe.petitions import services as petitions
    from lienhe.petitions.models import Category

    return petitions.create_petition(
        organization=org,
        summary=summary,
        category=Category.objects.get(code="infrastructure"),
        source_type=Petition.Source.STAFF,
        cluster=False,
    )


def test_a_write_drops_the_cached_home_panels_of_the_scope(cast, login):
    """The home panels are cached per user; a write in their subtree shows at once."""
    client = login(cast.users["province_staff"])
    assert "0 mới</a>" in client.get(reverse("home")).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        assert "0 mới</a>" in client.get(reverse("home")).content.decode()
    assert not any("petitions_petition" in q["sql"] for q in ctx.captured_queries)  # cached
    _petition(cast.cell_a, "Đường ngập khi mưa")
    assert "1 mới</a>" in client.get(reverse("home")).content.decode()


def test_a_write_recounts_only_the_home_panels_of_its_family(cast, login):
    """Each panel is cached under the families it reads: a comment write recounts the
    comments panel (and the red-flag top 10, which reads every module) but serves the
    petitions panel from the cache; a petition write recounts the petitions panel."""
    from lienhe.summaries import hooks

    client = login(cast.users["province_staff"])
    client.get(reverse("home"))

    def petition_reads():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("home"))
        # The petitions panel's five most urgent (the red-flag top 10 reads
        # petitions too, ten per module).
        return [
            q["sql"]
            for q in ctx.captured_queries
            if "petitions_petition" in q["sql"] and "LIMIT 5" in q["sql"]
        ]

    assert petition_reads() == []  # cached
    hooks.changed("comments", [cast.cell_a.pk])
    assert petition_reads() == []  # another family's write: still cached
    _petition(cast.cell_a, "Đường ngập khi mưa")
    assert "1 mới</a>" in client.get(reverse("home")).content.decode()
    hooks.changed("petitions", [cast.cell_a.pk])
    assert petition_reads() != []  # its own family: recounted


@pytest.mark.parametrize("rows", [10, 200])
def test_home_for_the_province_board_issues_at_most_12_queries(cast, login, rows):
    """Figures from the summaries (one query), panels from the per-user cache: the
    same count with 10 and 200 members, letters and petitions (6: session, user,
    roles with their organizations, counters, unread messages, failed deliveries)."""
    with time_machine.travel(NOW, tick=False):
        for i in range(rows):
            MemberFactory(organization=cast.cell_a, is_working=bool(i % 2))
        for i in range(rows // 10):
            _petition(cast.cell_b, f"Kiến nghị số {i}")
        client = login(cast.users["province_staff"])
        client.get(reverse("home"))  # fills the per-user cache (and the session row)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        assert response.context["figures"]["members"] == 5 + rows
        assert len(ctx.captured_queries) <= 6, [q["sql"][:80] for q in ctx.captured_queries]
        QUERIES[rows] = len(ctx.captured_queries)
    if len(QUERIES) == 2:
        assert QUERIES[10] == QUERIES[200]


QUERIES: dict[int, int] = {}


def test_counts_by_subtree_are_sums_over_the_path_prefix(cast):
    """No scan of the source tables nor of the subtree's counters: the figure reads the
    roll-up rows of the subtree's root, which equal the sums over the path prefix."""
    with CaptureQueriesContext(connection) as ctx:
        figures.working_members(cast.province, NOW.date())
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert len(ctx.captured_queries) == 1
    assert "summaries_subtreecounter" in sql and "members_member" not in sql
    assert "summaries_orgcounter" not in sql
    total = OrgCounter.objects.filter(
        organization__path__startswith=cast.commune.path, key="members.active"
    ).aggregate(n=Count("id", filter=Q(value__gt=0)), sum=Sum("value"))
    assert total["n"] == 2  # one row per cell with members, not one per member
    rolled = SubtreeCounter.objects.filter(organization=cast.commune, key="members.active")
    assert [r.value for r in rolled] == [total["sum"]]  # one row for the subtree


def test_residence_comments_are_counted_by_the_review_services(cast):
    from lienhe.reviews import services as reviews
    from tests.reviews.test_comment_services import ALL_DUTIES

    year = NOW.year
    with time_machine.travel(NOW, tick=False):
        letter(cast, "active")
        w1 = cast.members["w1"]
        comment = reviews.request_comment(w1, year, actor=None, via="member")
        key = f"comments.to.{year}.requested"
        assert services.totals([cast.commune.path], [key])[key] == 1
        reviews.save_draft(
            comment,
            duties=ALL_DUTIES,
            conclusion=0,
            expected_version=1,
            actor=cast.users["secretary_a"],
        )
        draft = services.totals([cast.commune.path], [key, f"comments.to.{year}.draft"])
        assert draft == {key: 0, f"comments.to.{year}.draft": 1}
        assert services.check(repair=False) == []


def test_meetings_held_are_counted_by_the_meeting_services(cast):
    from lienhe.meetings import services as meetings
    from lienhe.meetings.models import Meeting

    year = NOW.year
    held, planned = f"meetings.{year}.held", f"meetings.{year}.planned"
    with time_machine.travel(NOW, tick=False):
        meeting = meetings.plan_meeting(
            cast.cell_a,
            kind=Meeting.Kind.THEMATIC,
            title="Nghị quyết",
            planned_at=NOW - dt.timedelta(minutes=30),
        )
        assert services.totals([cast.province.path], [held, planned]) == {held: 0, planned: 1}
        meetings.mark_all_present(meeting, actor=cast.users["secretary_a"], now=NOW)
        assert services.totals([cast.province.path], [held, planned]) == {held: 1, planned: 0}
        assert services.check(repair=False) == []


def test_fee_claims_and_transfers_are_counted_by_the_away_services(cast):
    """Families "fees" and "transfers" (the away panel's claims and incoming members)
    follow every step of their services, in the services' transaction."""
    from lienhe.away import fees
    from lienhe.away import services as away_services
    from tests.away import helpers as away

    keys = ["fees.claims.pending", "fees.claims.confirmed", "transfers.to.requested"]
    keys += ["transfers.to.sent", "transfers.sent", "transfers.to.received"]
    with time_machine.travel(NOW, tick=False):

        def count(org=cast.province):
            return {k: v for k, v in services.totals([org.path], keys).items() if v}

        claim = away.claim(cast)
        assert count() == {"fees.claims.pending": 1}
        fees.confirm_claim(claim, actor=cast.users["secretary_a"])
        assert count() == {"fees.claims.confirmed": 1}
        transfer = away.transfer(cast, sent=False)
        assert count(cast.other_cell) == {"transfers.to.requested": 1}
        transfer = away_services.send_transfer(transfer, actor=cast.users["commune_staff"])
        assert count(cast.other_cell) == {"transfers.to.sent": 1}
        assert count(cast.cell_a) == {"fees.claims.confirmed": 1, "transfers.sent": 1}
        away_services.receive_transfer(transfer, actor=cast.users["province_staff"], on=NOW.date())
        assert count(cast.other_cell) == {"transfers.to.received": 1}
        assert services.check(repair=False) == []
        assert_agree(NOW.date())


@pytest.mark.parametrize("rows", [10, 200])
def test_cold_home_for_the_province_board_issues_a_bounded_query_count(cast, login, rows):
    """With the per-user cache empty (the first view after a write in the scope) the
    home page reads the summaries, not the source tables, for its counts: the same
    number of queries with 10 and 200 rows of each kind."""
    from django.core.cache import cache

    from tests.away import helpers as away

    with time_machine.travel(NOW, tick=False):
        for i in range(rows):
            MemberFactory(organization=cast.cell_a, is_working=bool(i % 2))
            letter(
                cast, "issued", member=MemberFactory(organization=cast.agency_cell, is_working=True)
            )
        for i in range(rows // 10):
            _petition(cast.cell_b, f"Kiến nghị số {i}")
        away.claim(cast)
        client = login(cast.users["province_staff"])
        client.get(reverse("home"))
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        assert response.context["figures"]["members"] >= 5 + rows
        sql = [q["sql"] for q in ctx.captured_queries]
        assert not any("COUNT" in q and "petitions_petition" in q for q in sql)
        assert not any("COUNT" in q and "away_feeclaim" in q for q in sql)
        assert len(sql) <= COLD_BOUND, [q[:80] for q in sql]
        COLD[rows] = len(sql)
    if len(COLD) == 2:
        assert COLD[10] == COLD[200]


# Issue 21 asks for 12. 22 here (27 on the 100k demo; 29 before session 7, when the
# scope's organizations and regulations were read once per panel): the red-flag top 10
# and the visits board still query their source tables when the cache is cold
# (docs/benchmarks.md, "what is left").
COLD_BOUND = 22
COLD: dict[int, int] = {}
