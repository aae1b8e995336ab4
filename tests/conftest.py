"""The shared test cast (like healthchecks' hc/test.py): a small province with two
communes, cells, an agency, and one user per role plus an outsider."""

import datetime as dt
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from lienhe.orgs.models import Organization

from .factories import PASSWORD, MemberFactory, make_org, make_user


def pytest_configure(config):
    """`LIENHE_TEST_NOW=2026-12-31T23:30:00+07:00` runs the whole suite as if the clock
    read that instant (still ticking), so a test that depends on the real date fails on
    the dates where it would fail for real: the calendar step of `.ci/run` runs the
    suite at 31/12 23:30 and 01/01 00:30 local time (issue 14)."""
    now = os.environ.get("LIENHE_TEST_NOW", "").strip()
    if now:
        traveller = time_machine.travel(now, tick=True)
        traveller.start()
        config._lienhe_clock = traveller


# A working day in the middle of the year: data built "N days ago" or "in N days"
# stays inside the year whose figures the test reads.
MID_YEAR = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def mid_year_clock():
    """For tests that build data around today and then read this year's figures
    (`pytestmark = pytest.mark.usefixtures("mid_year_clock")`): pinned, still ticking.
    Year-end behaviour has tests of its own with their own pinned instants (issue 14)."""
    with time_machine.travel(MID_YEAR, tick=True):
        yield MID_YEAR


@dataclass
class Cast:
    province: Organization
    commune: Organization
    cell_a: Organization
    cell_b: Organization
    other_commune: Organization
    other_cell: Organization
    agency: Organization
    agency_cell: Organization
    members: dict
    users: dict


@pytest.fixture(autouse=True)
def _two_factor_off(settings):
    """Most tests log staff in with force_login; two-factor enforcement is tested
    on its own in tests/access (they set LIENHE_REQUIRE_2FA = True)."""
    settings.LIENHE_REQUIRE_2FA = False


@pytest.fixture
def scope_guard(settings):
    """Requests in the test run under the unscoped-query guard: an unfiltered query of
    a scoped model in a view or API handler fails (lienhe/access/scopeguard.py)."""
    from lienhe.access import scopeguard

    scopeguard.install()
    guard = "lienhe.access.scopeguard.ScopeGuardMiddleware"
    if guard not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, guard]


@pytest.fixture(autouse=True)
def _scope_guard_everywhere(request):
    """`LIENHE_SCOPE_GUARD=1` runs every test under the guard (opt-in until the whole
    suite, with every branch merged, is known to pass under it)."""
    if os.environ.get("LIENHE_SCOPE_GUARD") == "1":
        request.getfixturevalue("scope_guard")


def _restore_migration_categories() -> None:
    """A transactional test (a browser journey) ends by emptying every table, the
    petition categories the migration loaded with them: the next tests on the same
    worker get them back (as `liaison_cast` does for the administrative units)."""
    from importlib import import_module

    from lienhe.petitions.models import Category

    if not Category.objects.exists():
        loaded = import_module("lienhe.petitions.migrations.0002_categories").CATEGORIES
        for code, name, order in loaded:
            Category.objects.get_or_create(code=code, defaults={"name": name, "order": order})


@pytest.fixture
def cast(db) -> Cast:
    _restore_migration_categories()
    province = make_org(None, name="Đảng bộ tỉnh Thử", kind="province", side="other")
    commune = make_org(province, name="Đảng bộ phường Một", kind="base", side="residence")
    cell_a = make_org(commune, name="Chi bộ Tổ dân phố 1", kind="cell", meeting_day=5)
    cell_b = make_org(commune, name="Chi bộ Tổ dân phố 2", kind="cell", meeting_day=10)
    other_commune = make_org(province, name="Đảng bộ xã Hai", kind="base", side="residence")
    other_cell = make_org(other_commune, name="Chi bộ thôn Đông", kind="cell", is_remote=True)
    agency = make_org(province, name="Đảng bộ Sở Y tế", kind="base", side="workplace")
    agency_cell = make_org(agency, name="Chi bộ Văn phòng Sở", kind="cell", side="workplace")
    members = {
        "a1": MemberFactory(full_name="Nguyễn Văn An", organization=cell_a),
        "a2": MemberFactory(full_name="Trần Thị Bình", organization=cell_a, gender="female"),
        "b1": MemberFactory(full_name="Lê Văn Cường", organization=cell_b),
        "o1": MemberFactory(full_name="Phạm Đức Dũng", organization=other_cell),
        "w1": MemberFactory(
            full_name="Hoàng Minh Đức",
            organization=agency_cell,
            is_working=True,
            employer="Sở Y tế",
        ),
    }
    users = {
        "admin": make_user("admin", is_superuser=True, is_staff=True),
        "province_staff": make_user("tinh", "committee_staff", province),
        "commune_staff": make_user("xa", "committee_staff", commune),
        "secretary_a": make_user("bithu", "cell_officer", cell_a, member=members["a2"]),
        "secretary_b": make_user("bithub", "cell_officer", cell_b, member=members["b1"]),
        "agency_staff": make_user("coquan", "committee_staff", agency),
        "visitor": make_user("uyvien", "visitor", province),
        "handler": make_user("so", "agency_handler", agency),
        "member": make_user("dangvien", "member", agency_cell, member=members["w1"]),
        "viewer": make_user("xem", "viewer", commune),
        "outsider": make_user("ngoai"),
    }
    return Cast(
        province,
        commune,
        cell_a,
        cell_b,
        other_commune,
        other_cell,
        agency,
        agency_cell,
        members,
        users,
    )


@pytest.fixture
def login():
    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Home panels and the red-flag top 10 are cached per user (issue 21): no test may
    see a page cached by another (user ids repeat between tests)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _list_cache_only_where_tested(request, settings):
    """A list's results are cached until a table they read is written
    (lienhe/listcache.py). Tests that read a list twice to count its queries or to look
    at `response.context["page"]` measure the rendering itself: the cache is off for
    them. The cache's own tests and the browser journeys (`e2e`, `list_cache`) run with
    it on, as production does."""
    marked = request.node.get_closest_marker("list_cache") or request.node.get_closest_marker("e2e")
    # On as with a shared cache in production (the tests' locmem cache is one process).
    settings.LIENHE_LIST_CACHE_SECONDS = 300 if marked else 0
