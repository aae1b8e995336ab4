"""Subtree roll-ups of the summary counters (issue 21: the home at 1.000.000 members no
slower than 1,5× at 100.000): every organization's `SubtreeCounter` rows equal the sum
of the `OrgCounter` rows of its subtree after writes, a move, a merge, a dissolve and a
deletion; the nightly check repairs a corrupted roll-up; a province's read is one query
whose row count does not grow with the number of its organizations."""

import datetime as dt
import logging
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienhe.members.models import Member
from lienhe.orgs import services as org_services
from lienhe.orgs.models import Organization
from lienhe.reports import figures
from lienhe.summaries import services
from lienhe.summaries.models import PLAIN_DAY, OrgCounter, SubtreeCounter
from tests.factories import MemberFactory, make_org
from tests.liaison.helpers import letter

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def derived() -> dict:
    """The roll-ups recomputed here by path prefix from the per-organization rows."""
    orgs = list(Organization.objects.values_list("pk", "path"))
    out: dict = defaultdict(int)
    for path, key, day, value in OrgCounter.objects.values_list(
        "organization__path", "key", "day", "value"
    ):
        for pk, prefix in orgs:
            if path.startswith(prefix):
                out[(pk, key, day or PLAIN_DAY)] += value
    return {k: v for k, v in out.items() if v}


def stored() -> dict:
    rows = SubtreeCounter.objects.values_list("organization_id", "key", "day", "value")
    return {(pk, key, day): value for pk, key, day, value in rows if value}


def assert_rolled_up() -> None:
    assert stored() == derived()
    assert services.check(repair=False) == []


def test_rollups_follow_writes_a_move_a_merge_a_dissolve_and_a_deletion(cast):
    with time_machine.travel(NOW, tick=False):
        assert_rolled_up()
        for i in range(3):
            MemberFactory(organization=cast.cell_b, is_working=bool(i % 2))
        letter(cast, "issued", member=MemberFactory(organization=cast.agency_cell, is_working=True))
        assert_rolled_up()

        # a move: the agency's totals leave nothing in the province, join other_commune
        province_before = figures.members(cast.province, NOW.date())["value"]
        org_services.move_subtree(cast.agency, cast.other_commune, actor=cast.users["admin"])
        assert_rolled_up()
        assert figures.members(cast.province, NOW.date())["value"] == province_before
        other = Organization.objects.get(pk=cast.other_commune.pk)
        assert (
            figures.members(other, NOW.date())["value"]
            == Member.objects.filter(
                organization__path__startswith=other.path, status=Member.Status.ACTIVE
            ).count()
        )

        # a merge, with a group of the merged cell moving under the survivor
        group = make_org(cast.cell_b, name="Tổ đảng 1", kind="group")
        MemberFactory(organization=group)
        assert_rolled_up()
        org_services.merge_cells(cast.cell_b, cast.cell_a, actor=cast.users["admin"])
        assert Organization.objects.get(pk=group.pk).path.startswith(cast.cell_a.path)
        assert_rolled_up()

        # a dissolve: the empty cell and its group stop counting as active
        cell = org_services.create_organization(
            parent=cast.commune, name="Chi bộ mới", code="NEW1", kind="cell", side="residence"
        )
        org_services.create_organization(parent=cell, name="Tổ mới", code="NEW2", kind="group")
        orgs = "orgs.active"
        active = services.totals([cast.commune.path], [orgs])[orgs]
        org_services.dissolve(cell, actor=cast.users["admin"])
        assert services.totals([cast.commune.path], [orgs])[orgs] == active - 2
        assert_rolled_up()

        # a deletion (the admin): CASCADE takes the rows, the ancestors lose them
        Organization.objects.get(pk=cell.pk).delete()
        assert_rolled_up()


def test_the_nightly_check_finds_and_repairs_a_corrupted_rollup(cast, caplog):
    with time_machine.travel(NOW, tick=False):
        MemberFactory(organization=cast.cell_a)
        right = figures.members(cast.province, NOW.date())["value"]
        row = SubtreeCounter.objects.get(organization=cast.province, key="members.active")
        row.value += 5
        row.save()
        SubtreeCounter.objects.filter(organization=cast.commune, key="orgs.cells").delete()
        SubtreeCounter.objects.create(organization=cast.cell_b, key="petitions.new", value=9)
        assert figures.members(cast.province, NOW.date())["value"] == right + 5
        with caplog.at_level(logging.WARNING, logger="lienhe.summaries"):
            found = services.check(repair=True)
        assert {(m["table"], m["organization_id"], m["key"]) for m in found} == {
            ("subtree", cast.province.pk, "members.active"),
            ("subtree", cast.commune.pk, "orgs.cells"),
            ("subtree", cast.cell_b.pk, "petitions.new"),
        }
        assert "summaries mismatch (subtree)" in caplog.text
        assert figures.members(cast.province, NOW.date())["value"] == right
        assert_rolled_up()


def test_a_province_read_is_one_query_of_rows_not_growing_with_its_cells(cast):
    """Plain keys: one roll-up row per key of the province, with 10 or 200 cells."""
    keys = ["members.active", "members.active.working", "orgs.cells", "orgs.active"]

    def read() -> tuple[int, int, dict]:
        rows = services._subtree_counters([cast.province.path], NOW.date())
        with CaptureQueriesContext(connection) as ctx:
            with services.shared_reads():
                got = services.totals([cast.province.path], keys, NOW.date())
                services.totals([cast.province.path], keys[:2], NOW.date())  # shared
        return len(ctx.captured_queries), rows.filter(day=PLAIN_DAY).count(), got

    def add_cells(n: int) -> None:
        for _ in range(n):
            MemberFactory(organization=make_org(cast.commune, kind="cell"))

    with time_machine.travel(NOW, tick=False):
        add_cells(10 - Organization.objects.filter(kind="cell").count())
        small = read()
        add_cells(190)
        large = read()
    assert small[0] == large[0] == 1
    assert small[1] == large[1]
    assert large[2]["orgs.cells"] == small[2]["orgs.cells"] + 190 == 200
    assert large[2]["members.active"] == small[2]["members.active"] + 190
    assert_rolled_up()


def test_two_refreshes_of_cells_of_one_district_both_land(cast):
    """The roll-ups are added to, never overwritten (`INSERT … ON CONFLICT DO UPDATE
    SET value = value + excluded.value`): refreshes of two cells of one commune, each
    from counts taken before the other's write, both reach the commune's row."""
    with time_machine.travel(NOW, tick=False):
        before = services.totals([cast.commune.path], ["members.active"])["members.active"]
        # members written without their hook, then each cell refreshed on its own
        for org in (cast.cell_a, cast.cell_b):
            MemberFactory.build(organization=org, status=Member.Status.ACTIVE).save()
        services.refresh([cast.cell_a.pk], ["members"])
        services.refresh([cast.cell_b.pk], ["members"])
        after = services.totals([cast.commune.path], ["members.active"])["members.active"]
        assert after == before + 2
        assert_rolled_up()


def test_by_org_and_overlapping_scopes_count_each_organization_once(cast):
    with time_machine.travel(NOW, tick=False):
        MemberFactory(organization=cast.cell_a)
        key = "members.active"
        whole = services.totals([cast.province.path], [key])[key]
        assert services.totals([cast.province.path, cast.commune.path], [key])[key] == whole
        assert services.totals(None, [key])[key] == whole
        per = services.by_org([cast.commune.path, cast.other_commune.path], [key])
        assert (
            per[(cast.commune.path, key)]
            == Member.objects.filter(
                organization__path__startswith=cast.commune.path, status=Member.Status.ACTIVE
            ).count()
        )
        assert (
            per[(cast.other_commune.path, key)]
            == Member.objects.filter(
                organization__path__startswith=cast.other_commune.path, status=Member.Status.ACTIVE
            ).count()
        )
