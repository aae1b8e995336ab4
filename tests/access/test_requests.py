"""The shared request helpers (`lienhe.access.requests`): one year range and one
answer (404) for a report organization outside the user's scope, on every page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import RequestFactory

from lienhe.access.requests import YEAR_MAX, YEAR_MIN, year_param

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("2024", 2024),
        (str(YEAR_MIN), YEAR_MIN),
        (str(YEAR_MAX), YEAR_MAX),
        ("99999", 2026),
        ("1999", 2026),
        ("-5", 2026),
        ("abc", 2026),
        ("", 2026),
    ],
)
def test_year_param_is_clamped_to_one_range(raw, year):
    with time_machine.travel(NOW, tick=False):
        assert year_param(RequestFactory().get("/", {"year": raw})) == year


@pytest.mark.parametrize(
    "url",
    [
        "/nhan-xet/bao-cao/",
        "/sinh-hoat/bao-cao/",
        "/kien-nghi/bao-cao/",
        "/du-sinh-hoat/",
    ],
)
def test_absurd_year_is_not_a_server_error(cast, login, url):
    with time_machine.travel(NOW, tick=False):
        response = login(cast.users["commune_staff"]).get(url, {"year": "99999"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/nhan-xet/bao-cao/", "/sinh-hoat/bao-cao/", "/kien-nghi/bao-cao/", "/di-lam-an-xa/giam-sat/"],
)
def test_report_of_an_organization_out_of_scope_is_404(cast, login, url):
    http = login(cast.users["commune_staff"])
    assert http.get(url, {"org": cast.other_commune.pk}).status_code == 404
    assert http.get(url, {"org": "x1"}).status_code == 404
    assert http.get(url, {"org": cast.cell_b.pk}).status_code == 200
