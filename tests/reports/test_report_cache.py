"""Module reports cached per organization subtree (issue 21, `summaries.cache.
cached_for_subtree`): the second view reads no source table, two officers of the same
scope share the entry, a write through a service shows at the next view, access is
checked before the cache is read, and other parameters are other entries."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

# Each report and the source table its figures are counted from.
REPORTS = [
    ("reports:participation", "liaison_introduction"),
    ("meetings:report", "meetings_meeting"),
    ("petitions:report", "petitions_petition"),
    ("away:report", "away_awayperiod"),
    ("away:fees", "away_feedue"),
    ("reviews:report", "reviews_residencecomment"),
]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _view(client, name, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params or {})
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _main(html: str) -> str:
    """The page's content, without the per-request CSRF token of the header."""
    return html[html.index("<main") : html.index("</main>")]


def _reads(queries, table) -> bool:
    return any(f'"{table}"' in sql for sql in queries)


def _figure(html: str, name: str) -> str:
    return re.search(rf'id="fig-{name}">([^<]*)<', html).group(1)


@pytest.mark.parametrize(("name", "table"), REPORTS)
def test_the_second_view_reads_no_source_table(cast, login, clock, name, table):
    client = login(cast.users["province_staff"])
    first, cold = _view(client, name)
    second, warm = _view(client, name)
    assert _reads(cold, table)
    assert not _reads(warm, table), [q[:90] for q in warm]
    assert len(warm) < len(cold)
    assert _main(second) == _main(first)


@pytest.mark.parametrize(("name", "table"), REPORTS)
def test_two_officers_of_the_same_scope_share_the_entry(cast, login, clock, name, table):
    colleague = make_user("tinh2", "committee_staff", cast.province)
    _view(login(cast.users["province_staff"]), name)
    _html, queries = _view(login(colleague), name)
    assert not _reads(queries, table)


@pytest.mark.parametrize(("name", "table"), REPORTS)
def test_the_cache_never_bypasses_permission(cast, login, clock, name, table):
    _view(login(cast.users["province_staff"]), name, {"org": cast.province.pk})
    narrower = login(cast.users["commune_staff"]).get(reverse(name), {"org": cast.province.pk})
    assert narrower.status_code in (403, 404)
    outsider = login(cast.users["outsider"]).get(reverse(name), {"org": cast.province.pk})
    assert outsider.status_code in (302, 403, 404)


@pytest.mark.parametrize(
    ("name", "table", "params"),
    [
        ("meetings:report", "meetings_meeting", {"year": 2025}),
        ("petitions:report", "petitions_petition", {"year": 2025}),
        ("petitions:report", "petitions_petition", {"by": "agency"}),
        ("reviews:report", "reviews_residencecomment", {"year": 2025}),
        ("away:fees", "away_feedue", {"month": "05/2026"}),
        ("reports:participation", "liaison_introduction", {"on": "01/06/2026"}),
    ],
)
def test_other_parameters_are_other_entries(cast, login, clock, name, table, params):
    client = login(cast.users["province_staff"])
    _view(client, name)
    _html, queries = _view(client, name, params)
    assert _reads(queries, table)
    _html, queries = _view(client, name, {"org": cast.commune.pk})  # another organization
    assert _reads(queries, table)


def test_the_next_day_is_another_entry(cast, login, clock):
    _view(login(cast.users["province_staff"]), "away:report")
    clock.shift(dt.timedelta(days=1))
    _html, queries = _view(login(cast.users["province_staff"]), "away:report")
    assert _reads(queries, "away_awayperiod")


def test_a_petition_received_shows_at_the_next_view(cast, login, clock):
    from tests.summaries.test_summaries import _petition

    client = login(cast.users["province_staff"])
    before, _q = _view(client, "petitions:report")
    assert '<span class="num">0</span><span class="label">kiến nghị tiếp nhận' in before
    _petition(cast.cell_a, "Đường ngập khi mưa")
    after, _q = _view(client, "petitions:report")
    assert '<span class="num">1</span><span class="label">kiến nghị tiếp nhận' in after


def test_a_meeting_held_and_a_later_mark_show_at_the_next_view(cast, login, clock):
    from lienhe.meetings import services as meetings
    from lienhe.meetings.models import Meeting

    client = login(cast.users["province_staff"])
    before, _q = _view(client, "meetings:report")
    assert _figure(before, "attendance_rate") == "—"
    meeting = meetings.plan_meeting(
        cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        title="Sinh hoạt định kỳ",
        planned_at=NOW - dt.timedelta(minutes=30),
    )
    meetings.mark_all_present(meeting, actor=cast.users["secretary_a"], now=NOW)
    held, _q = _view(client, "meetings:report")
    assert _figure(held, "attendance_rate") == "100,00%"
    _html, queries = _view(client, "meetings:report")
    assert not _reads(queries, "meetings_meeting")  # cached again
    # A mark on the held meeting moves no summary counter, only the report's attendance.
    meeting.refresh_from_db()
    meetings.mark_attendance(
        meeting, cast.members["a1"], "absent", tapped_at=NOW + dt.timedelta(minutes=1), now=NOW
    )
    marked, _q = _view(client, "meetings:report")
    assert _figure(marked, "attendance_rate") == "50,00%"


def test_a_comment_requested_shows_at_the_next_view(cast, login, clock):
    from lienhe.reviews import services as reviews
    from tests.liaison.helpers import letter

    letter(cast, "active")
    client = login(cast.users["province_staff"])
    before, _q = _view(client, "reviews:report")
    reviews.request_comment(cast.members["w1"], NOW.year, actor=None, via="member")
    after, queries = _view(client, "reviews:report")
    assert _reads(queries, "reviews_residencecomment")
    requested = r'<span class="num">(\d+)</span><span class="label">đã yêu cầu nhận xét'
    assert re.search(requested, before).group(1) == "0"
    assert re.search(requested, after).group(1) == "1"


def test_a_fee_payment_shows_at_the_next_view(cast, login, clock):
    from lienhe.away import fees

    fees.open_month(NOW.date(), cast.commune)
    client = login(cast.users["province_staff"])
    before, _q = _view(client, "away:fees")
    assert _figure(before, "fees_collected") == "0"
    fees.record_payment(
        cast.members["a1"], actor=None, month=NOW.date(), amount=5000, method="cash"
    )
    after, _q = _view(client, "away:fees")
    assert _figure(after, "fees_collected") == "5.000"


def test_the_cache_can_be_turned_off(cast, login, clock, settings):
    settings.LIENHE_REPORT_CACHE_SECONDS = 0
    client = login(cast.users["province_staff"])
    _view(client, "reviews:report")
    _html, queries = _view(client, "reviews:report")
    assert _reads(queries, "reviews_residencecomment")


def test_an_agency_handler_gets_his_own_petitions_report_uncached(cast, login, clock):
    """A handler sees only his agencies' petitions, not the subtree's: never shared."""
    handler = login(cast.users["handler"])
    _view(handler, "petitions:report")
    _html, queries = _view(handler, "petitions:report")
    assert _reads(queries, "petitions_petition")


def test_the_away_reports_pick_the_organization_by_typed_name(cast, login, clock):
    """The picker replaces a <select> of every committee: without JavaScript a typed
    name resolves in the user's scope; an unknown name says so and shows the root."""
    client = login(cast.users["province_staff"])
    for name in ("away:report", "away:fees"):
        html, _q = _view(client, name, {"org_ten": "phuong mot"})
        assert "— Đảng bộ phường Một</h1>" in html
        html, _q = _view(client, name, {"org_ten": "khong co"})
        assert "— Đảng bộ tỉnh Thử</h1>" in html
        assert "Không có tổ chức nào tên" in html


def test_a_write_of_another_family_keeps_the_report(cast, login, clock):
    """Each report declares the summary families it reads: a comment requested keeps the
    participation report cached, a letter handed in recounts it; a write naming no
    family recounts every report (issue 21, session 8)."""
    from lienhe.liaison import services as liaison
    from lienhe.reviews import services as reviews
    from lienhe.summaries import hooks
    from tests.factories import MemberFactory
    from tests.liaison.helpers import letter

    letter(cast, "active")  # w1 keeps ties: a yearly comment may be requested
    second = MemberFactory(
        full_name="Đỗ Thu Hà", organization=cast.members["w1"].organization, is_working=True
    )
    intro = letter(cast, "issued", member=second)
    client = login(cast.users["province_staff"])
    _view(client, "reports:participation")
    reviews.request_comment(cast.members["w1"], NOW.year, actor=None, via="member")
    _html, queries = _view(client, "reports:participation")
    assert not _reads(queries, "liaison_introduction")
    liaison.confirm_handin(intro, handed_in_on=NOW.date(), actor=cast.users["secretary_a"])
    _html, queries = _view(client, "reports:participation")
    assert _reads(queries, "liaison_introduction")
    hooks.paths_changed([cast.cell_a.path])
    _html, queries = _view(client, "reports:participation")
    assert _reads(queries, "liaison_introduction")


def test_bump_and_version_keys_by_family():
    from django.core.cache import cache

    from lienhe.summaries import cache as page_cache

    cache.clear()
    path = "00010002"
    before = page_cache.subtree_key(path, "r", {}, families=("letters",))
    whole = page_cache.subtree_key(path, "r", {})
    page_cache.bump([path + "0003"], ["comments"])
    assert page_cache.subtree_key(path, "r", {}, families=("letters",)) == before
    assert page_cache.subtree_key(path, "r", {}) != whole
    page_cache.bump([path], ["letters"])
    assert page_cache.subtree_key(path, "r", {}, families=("letters",)) != before
    before = page_cache.subtree_key(path, "r", {}, families=("letters",))
    page_cache.bump([path], ["members"])  # the structure: every piece reads it
    assert page_cache.subtree_key(path, "r", {}, families=("letters",)) != before
