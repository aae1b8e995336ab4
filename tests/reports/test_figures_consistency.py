"""The acceptance test of issue 16 (part reached so far): on a small seeded dataset,
each catalogue figure read from the web page (HTML), the Excel file (the cell's
displayed value), the CSV and the API JSON gives the same digits, for the roles tinh
(province staff), xa (commune staff) and bithu (cell secretary), and equals the
catalogue's own definition."""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import formats

from lienhe.api.services import create_token
from lienhe.orgs.models import Organization
from lienhe.reports import figures
from lienhe.reports.toolkit import percent_text
from tests.factories import MemberFactory
from tests.liaison.helpers import letter

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
ROLES = {"tinh": "province_staff", "xa": "commune_staff", "bithu": "secretary_a"}
# figure name → (HTML id, column label in Excel/CSV, API key)
READINGS = {
    "participation_published": (
        "fig-published",
        "Tỷ lệ trên tổng số đảng viên (số công bố)",
        "published_rate_text",
    ),
    "letters_overdue": ("fig-overdue", "Giấy quá hạn chưa nộp", "overdue"),
}


def _text(kind: str, value) -> str:
    if kind == "percent":
        return percent_text(value)
    return formats.number_format(value or 0, use_l10n=True, force_grouping=True)


def _excel_text(cell) -> str:
    """What Excel/LibreOffice display for the cell (formats 0.00% and #,##0)."""
    if cell.number_format == "0.00%":
        return f"{cell.value * 100:.2f}".replace(".", ",") + "%"
    return formats.number_format(cell.value or 0, use_l10n=True, force_grouping=True)


def _csv_text(kind: str, raw: str) -> str:
    return _text(kind, float(raw) if kind == "percent" else int(raw or 0))


@pytest.fixture
def seeded(cast):
    with time_machine.travel(NOW, tick=False):
        workers = [MemberFactory(organization=cast.agency_cell, is_working=True) for _ in range(5)]
        for _ in range(4):
            MemberFactory(organization=cast.cell_a)
        letter(cast, "active")  # w1
        letter(cast, "active", member=workers[0])
        letter(cast, "issued", member=workers[1], issued_days_ago=60)  # overdue
        letter(cast, "issued", member=workers[2], issued_days_ago=1)  # not yet due
    return cast


def _scope(cast, role):
    return {"tinh": cast.province, "xa": cast.commune, "bithu": cast.cell_a}[role]


@pytest.mark.parametrize("role", list(ROLES))
def test_each_figure_reads_the_same_everywhere(seeded, role, login):
    from openpyxl import load_workbook

    cast = seeded
    org = _scope(cast, role)
    user = cast.users[ROLES[role]]
    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        web = login(user)
        q = {"org": org.pk, "on": "03/12/2026"}
        html = web.get("/bao-cao/tham-gia-noi-cu-tru/", q).content.decode()
        xlsx = web.get("/bao-cao/tham-gia-noi-cu-tru/xuat/", q)
        csv_resp = web.get("/bao-cao/tham-gia-noi-cu-tru/xuat/", {**q, "format": "csv"})
        cache.clear()
        _token, raw = create_token(user, "thử")
        api = Client().get(
            "/api/v1/reports/participation",
            {"org": org.pk, "on": "2026-12-03"},
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert api.status_code == 200, api.content
        totals = api.json()["totals"]
        checked = 0
        for name, (html_id, column, api_key) in READINGS.items():
            figure = figures.FIGURES[name]
            if name == "participation_published" and org.side == Organization.Side.RESIDENCE:
                continue  # the residence view counts letters addressed, not members
            expected = _text(figure.kind, figures.read(name, org, today)["value"])
            match = re.search(rf'id="{html_id}">([^<]*)<', html)
            readings = {"html": match.group(1) if match else None}
            value = totals.get(api_key)
            readings["api"] = value if isinstance(value, str) else _text(figure.kind, value)
            if xlsx.status_code == 200:
                ws = load_workbook(io.BytesIO(xlsx.content)).active
                rows = list(ws.iter_rows())
                head = next(
                    r for r in rows if r[0].value in ("Tổ chức đảng", "Tổ chức đảng nơi cư trú")
                )
                col = [c.value for c in head].index(column)
                readings["excel"] = _excel_text(rows[-1][col])
                lines = list(csv.reader(io.StringIO(csv_resp.content.decode("utf-8-sig"))))
                csv_col = lines[0].index(column) if column in lines[0] else lines[2].index(column)
                readings["csv"] = _csv_text(figure.kind, lines[-1][csv_col])
            assert set(readings.values()) == {expected}, (role, name, readings)
            checked += 1
        assert checked >= 1
        if role == "tinh":
            assert xlsx.status_code == 200  # the Excel and CSV readings were compared
