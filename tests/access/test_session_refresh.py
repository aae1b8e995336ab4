"""Sliding session expiry without a write per request (issue 21): a signed-in session
is saved again only when its last refresh is older than SESSION_REFRESH_SECONDS."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 16, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_session_saved_again_only_after_the_refresh_interval(cast, login, settings):
    settings.SESSION_REFRESH_SECONDS = 300
    with time_machine.travel(NOW, tick=False) as clock:
        client = login(cast.users["commune_staff"])
        client.get("/healthz")
        first = _expiry(client)
        clock.shift(dt.timedelta(minutes=2))
        assert client.get("/").status_code == 200
        assert _expiry(client) == first  # no write within the interval
        clock.shift(dt.timedelta(minutes=4))
        assert client.get("/").status_code == 200
        assert _expiry(client) == first + dt.timedelta(minutes=6)  # the idle limit slid


def test_anonymous_requests_create_no_session(client):
    client.get("/healthz")
    client.get("/tai-khoan/dang-nhap/")
    assert not Session.objects.exists()


def test_healthz_does_not_read_a_signed_in_session(cast, login, django_assert_num_queries):
    """The refresh check runs only when the request read the session anyway: a health
    probe carrying a session cookie costs its own `SELECT 1` and nothing else."""
    client = login(cast.users["commune_staff"])
    client.get("/")
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200
