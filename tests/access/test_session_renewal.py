"""Sliding session expiry, saved at most once a minute (issue 21: a save on every
request cost 3 queries per view)."""

import datetime as dt

import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe.access.middleware import RENEW_SECONDS

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _session_writes(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]][1:]


def test_session_expiry_slides_but_is_saved_at_most_once_a_minute(cast, login):
    url = reverse("home")
    with time_machine.travel(NOW, tick=False) as clock:
        client = login(cast.users["province_staff"])
        assert _session_writes(client, url) == []  # the login stamped the renewal
        expiry = Session.objects.get().expire_date
        clock.shift(dt.timedelta(seconds=RENEW_SECONDS - 1))
        assert _session_writes(client, url) == []  # read only, no save
        assert Session.objects.get().expire_date == expiry
        clock.shift(dt.timedelta(seconds=1))
        assert _session_writes(client, url)
        assert Session.objects.get().expire_date == expiry + dt.timedelta(seconds=RENEW_SECONDS)


def test_signed_out_visitor_gets_no_session_row(client, db):
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("access:login"))
    assert not Session.objects.exists()
