"""The periodic report at scale: the number of SQL queries does not depend on the size
of the tree, and the national report (no node above the provinces) is the sum of the
provinces. Timing lives in `bench/scale_bench.py`, never in tests."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienhe.reports.periodic import build_report, national_root, parse_period
from tests.factories import MemberFactory, make_org

PERIOD = parse_period("2026")


def _queries(org) -> int:
    with CaptureQueriesContext(connection) as ctx:
        build_report(org, PERIOD)
    return len(ctx.captured_queries)


def test_query_count_is_the_same_for_a_small_and_a_larger_tree(cast):
    small = _queries(cast.province)
    # Grow the tree: more communes, cells and members under the province.
    for i in range(4):
        base = make_org(cast.province, name=f"Đảng bộ xã Thêm {i}", kind="base")
        for _j in range(3):
            cell = make_org(base, kind="cell")
            for _k in range(3):
                MemberFactory(organization=cell, joined_on=dt.date(2026, 2, 1), official_on=None)
    assert _queries(cast.province) == small


@pytest.mark.usefixtures("mid_year_clock")  # the 2026 period still running
def test_national_report_has_the_same_query_count_and_sums_the_provinces(cast):
    other = make_org(None, name="Đảng bộ tỉnh Khác", kind="province", side="other")
    cell = make_org(make_org(other, kind="base"), kind="cell")
    for _k in range(4):
        MemberFactory(organization=cell)
    root = national_root()
    assert root.pk is None and root.path == ""
    # The same queries, less the committee-visit figure's 4 (the country has no
    # committee: `visits_done_vs_required` is "—" there), twice (period and previous).
    assert _queries(root) == _queries(cast.province) - 4
    whole = build_report(root, PERIOD)
    first = build_report(cast.province, PERIOD)
    second = build_report(other, PERIOD)

    def members(sections):
        return next(s for s in sections if s.key == "members").figures[0].value

    assert members(whole) == members(first) + members(second)
