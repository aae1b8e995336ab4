"""Issue 15, finding 1: the login lockout counts per account, whatever the spelling."""

import pytest
from django.test import Client
from django.urls import reverse

from lienhe.access.backends import login_key

pytestmark = pytest.mark.django_db

SPELLINGS = ["Uyvien", "UYVIEN", "0900000007", "0900.000.007", "+84900000007", "090-000-0007"]


def _post(client, username, password):
    return client.post(reverse("access:login"), {"username": username, "password": password})


@pytest.fixture
def uyvien(cast, settings):
    settings.AXES_ENABLED = True
    user = cast.users["visitor"]
    assert user.username == "uyvien"
    user.phone = "0900000007"
    user.save()
    return user


def test_every_spelling_resolves_to_one_key(uyvien):
    assert {login_key(s) for s in ["uyvien", "uyVIEN", *SPELLINGS]} == {"uyvien"}
    # Unknown names are normalised the same way as the backend compares them.
    assert login_key(" NoBody ") == login_key("nobody")
    assert login_key("+84 911 111 111") == login_key("0911.111.111") == "0911111111"


def test_lockout_holds_under_every_spelling(uyvien, password):
    client = Client()
    for _ in range(4):
        assert _post(client, "uyvien", "sai-mat-khau").status_code == 200
    assert _post(client, "uyvien", "sai-mat-khau").status_code == 429
    for typed in ["uyvien", "uyVIEN", *SPELLINGS]:
        response = _post(client, typed, password)
        assert response.status_code == 429, typed
        assert "_auth_user_id" not in client.session
    # Still locked under the original spelling: nothing above reset the counter.
    assert _post(client, "uyvien", password).status_code == 429


def test_failures_spread_over_spellings_add_up(uyvien, password):
    client = Client()
    for typed in SPELLINGS[:4]:
        assert _post(client, typed, "sai-mat-khau").status_code == 200, typed
    assert _post(client, SPELLINGS[4], "sai-mat-khau").status_code == 429
    # The right password under a third spelling neither logs in nor unlocks.
    assert _post(client, "uyVIEN", password).status_code == 429
    assert "_auth_user_id" not in client.session
    assert _post(client, "uyvien", password).status_code == 429


def test_unknown_names_are_counted_together(cast, settings):
    settings.AXES_ENABLED = True
    client = Client()
    for typed in ["Khong-Co", "KHONG-CO", "khong-co", " khong-co ", "Khong-co"]:
        _post(client, typed, "sai-mat-khau")
    assert _post(client, "khong-CO", "sai-mat-khau").status_code == 429


def test_success_under_another_spelling_resets_only_that_account(uyvien, cast, password):
    client = Client()
    for _ in range(4):
        assert _post(client, "UYVIEN", "sai-mat-khau").status_code == 200
    for _ in range(4):
        assert _post(client, "xa", "sai-mat-khau").status_code == 200
    # The account's owner logs in (below the limit) under a phone spelling: its own
    # counter restarts, another account's counter from the same address does not.
    assert _post(Client(), "+84 900 000 007", password).status_code == 302
    assert _post(client, "XA", "sai-mat-khau").status_code == 429
