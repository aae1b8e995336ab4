"""A detail page kept until a table it reads is written (lienhe/pagecache.py, issue 21):
served again to the same session with its form token, never to another session or
user, dropped by a write on any table it reads, by a notification, and never kept with
a message. Every cached page declares every table it reads (checked on its queries)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe import tablewrites
from lienhe.liaison.models import ThreadMessage
from lienhe.members.models import Member
from lienhe.notify.models import Notification
from lienhe.pagecache import TABLES_READ
from tests.liaison.helpers import letter

pytestmark = pytest.mark.list_cache

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# Read before the cache is asked: who is signed in (session, user and the name of their
# member record, roles in organizations) and the notifications badge, part of the key.
READ_FOR_THE_KEY = {
    "django_session",
    "access_user",
    "members_member",
    "access_role",
    "orgs_organization",
    "notify_notification",
}


def _view(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def page(cast, login):
    """The residence cell secretary on a letter handed in to her cell, a first view
    done (it sets the browser's form token cookie: pages are kept from the second)."""
    intro = letter(cast, "active")
    client = login(cast.users["secretary_a"])
    url = reverse("liaison:detail", args=[intro.pk])
    with time_machine.travel(NOW, tick=False):
        _view(client, url)
    return client, url, intro


def test_the_third_view_is_served_from_the_cache_with_the_same_html(page):
    client, url, _intro = page
    with time_machine.travel(NOW, tick=False):
        second, cold = _view(client, url)
        third, warm = _view(client, url)
    assert second == third and "csrfmiddlewaretoken" in third
    assert len(warm) < len(cold)
    assert not {t for sql in warm for t in TABLES_READ.findall(sql)} - READ_FOR_THE_KEY


def test_a_write_on_a_table_the_page_reads_shows_at_the_next_view(page, cast):
    client, url, intro = page
    with time_machine.travel(NOW, tick=False):
        _view(client, url)
        ThreadMessage.objects.create(introduction=intro, side="residence", body="Đã nhận giấy.")
        Member.objects.filter(pk=intro.member_id).update(phone="0912345678")
        body, _queries = _view(client, url)
    assert "Đã nhận giấy." in body and "0912345678" in body


def test_another_session_of_the_same_user_and_another_user_get_their_own_page(page, cast, login):
    client, url, _intro = page
    other_session = login(cast.users["secretary_a"])  # a sign-in writes the user's row
    staff = login(cast.users["province_staff"])
    with time_machine.travel(NOW, tick=False):
        _view(client, url)
        _body, kept = _view(client, url)
        _view(other_session, url)  # its token cookie
        _body, computed = _view(other_session, url)
        staff_body = _view(staff, url)[0]
    assert len(computed) > len(kept)
    profile = reverse("access:profile")
    assert f'<a href="{profile}">{cast.users["province_staff"].display_name}</a>' in staff_body


def test_a_new_notification_changes_the_badge(page, cast):
    client, url, _intro = page
    badge = re.compile(r"(\d+) thông báo mới")
    user = cast.users["secretary_a"]
    with time_machine.travel(NOW, tick=False):
        before, _queries = _view(client, url)
        Notification.objects.create(user=user, kind="test", title="Có giấy mới", url=url)
        after, _queries = _view(client, url)
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    assert badge.search(after).group(1) == str(unread)
    assert (badge.search(before) or [None, "0"])[1] == str(unread - 1)


def test_a_message_is_shown_once_and_that_page_is_not_kept(page):
    """Posting to the letter's thread answers with a message on the letter's page."""
    client, url, _intro = page
    with time_machine.travel(NOW, tick=False):
        _view(client, url)
        _view(client, url)  # kept
        response = client.post(
            reverse("liaison:message", args=[_intro.pk]),
            {"body": "Chi bộ đã nhận giấy.", "side": "residence"},
            follow=True,
        )
        shown = response.content.decode()
        after, _queries = _view(client, url)
    assert "Đã gửi trao đổi." in shown and "Chi bộ đã nhận giấy." in shown
    assert "Đã gửi trao đổi." not in after and "Chi bộ đã nhận giấy." in after


def test_the_next_day_computes_again(page):
    client, url, _intro = page
    with time_machine.travel(NOW, tick=False):
        _view(client, url)
        _body, warm = _view(client, url)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        _body, next_day = _view(client, url)
    assert len(next_day) > len(warm)


def test_a_cached_page_declares_every_table_it_reads(page):
    """What the page reads when computed is among its declared tables (a table left
    out would leave the page stale after a write on it)."""
    from lienhe.liaison.views_letter import detail

    client, url, _intro = page
    tablewrites.bump(["liaison_introduction"])
    with time_machine.travel(NOW, tick=False):
        _body, queries = _view(client, url)
    read = {t for sql in queries for t in TABLES_READ.findall(sql)}
    assert read - READ_FOR_THE_KEY - set(detail.page_tables()) == set()
    assert all(tablewrites.is_versioned(t) for t in detail.page_tables())


def test_off_with_zero_seconds(page, settings):
    settings.LIENHE_LIST_CACHE_SECONDS = 0
    client, url, _intro = page
    with time_machine.travel(NOW, tick=False):
        _body, first = _view(client, url)
        _body, second = _view(client, url)
    assert len(first) == len(second)


def test_messages_storage_used_by_the_view_is_not_kept(rf):
    """A page that showed a message the view itself added is not kept."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse

    from lienhe.pagecache import _keepable

    request = rf.get("/")
    request._messages = CookieStorage(request)
    request._messages.add(constants.INFO, "Giấy này không còn chờ tiếp nhận.")
    assert not _keepable(request, HttpResponse("<p>trang</p>"))
    request._messages = CookieStorage(rf.get("/"))
    assert _keepable(request, HttpResponse("<p>trang</p>"))
    assert len(get_messages(request)) == 0


def test_a_page_reading_a_table_it_does_not_declare_fails_in_the_tests(cast, rf):
    from django.core.exceptions import ImproperlyConfigured
    from django.http import HttpResponse

    from lienhe.liaison.models import Introduction
    from lienhe.pagecache import cached_page

    @cached_page(Introduction)
    def names(request):
        return HttpResponse(", ".join(Member.objects.values_list("full_name", flat=True)))

    request = rf.get("/")
    request.user = cast.users["province_staff"]
    with pytest.raises(ImproperlyConfigured, match="members_member"):
        names(request)


def test_the_member_dossier_records_every_view_and_shows_an_edit_with_its_history(cast, login):
    """The dossier's page is kept, its access record is written at every view, and an
    edit (a write on the member, with its history row) shows at the next view."""
    from lienhe.audit.models import AuditEvent
    from lienhe.members.services import update_member

    staff = login(cast.users["commune_staff"])
    member = cast.members["a1"]
    url = reverse("members:detail", args=[member.pk])
    with time_machine.travel(NOW, tick=False):
        _view(staff, url)
        _view(staff, url)
        body, warm = _view(staff, url)
        assert "Sửa hồ sơ" in body and len(warm) < 8
        views = AuditEvent.objects.filter(action="privacy.dossier", object_id=str(member.pk))
        assert views.count() == 3
        update_member(
            Member.objects.get(pk=member.pk),
            expected_version=member.version,
            actor=cast.users["commune_staff"],
            phone="0987654321",
        )
        body, _queries = _view(staff, url)
    assert "0987654321" in body and "Lịch sử thay đổi hồ sơ" in body
    assert views.count() == 4


def test_a_write_on_one_sections_tables_computes_that_section_only(cast, login):
    """The dossier is dropped by a comment drafted anywhere; its other sections (the
    letters, the meetings…) come from their own cached HTML."""
    staff = login(cast.users["commune_staff"])
    url = reverse("members:detail", args=[cast.members["a1"].pk])
    with time_machine.travel(NOW, tick=False):
        _view(staff, url)
        first, _queries = _view(staff, url)
        tablewrites.bump(["reviews_residencecomment"])
        again, queries = _view(staff, url)
    read = {t for sql in queries for t in TABLES_READ.findall(sql)}
    assert "reviews_residencecomment" in read
    # (the letters' table is read by the member's visibility, before the page)
    assert not read & {"meetings_attendance", "meetings_meeting", "away_awayperiod"}
    token = re.compile(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub("", again) == token.sub("", first)  # a new token, the same page
