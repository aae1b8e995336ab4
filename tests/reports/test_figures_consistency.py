"""The acceptance test of issue 16 ("one number everywhere"): on a seeded dataset that
gives every catalogue figure a value, each figure of `lienhe.reports.figures.FIGURES`
is read from every output that prints it — the module report page (HTML), its PDF
(text via pdftotext), its Excel (the cell's displayed value: the number format
applied), its CSV, the API JSON, the periodic report (page, PDF, Excel, CSV, API,
module API) and the home panel — for the roles tinh (province staff), xa (commune
staff) and bithu (cell secretary); every reading must be the same digits as the
catalogue's own value.

The test is parametrized from the catalogue: a figure added to `FIGURES` is read from
the periodic report and the API at once, and `MODULE_READINGS` must say where else it
is printed (the test fails for a figure it does not know)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import formats

from lienhe.api.services import create_token
from lienhe.away import fees
from lienhe.meetings.models import Meeting
from lienhe.orgs.models import Organization
from lienhe.petitions import services as petition_services
from lienhe.petitions.models import Agency, Petition
from lienhe.reports import figures
from lienhe.reports.models import ReportRun
from lienhe.reviews.constants import DUTY_KEYS, Purpose
from lienhe.reviews.models import ResidenceComment
from tests.away.helpers import approved, payment
from tests.factories import MemberFactory
from tests.liaison.helpers import letter
from tests.meetings.helpers import at, make_meeting
from tests.petitions.world import make_petition
from tests.reviews.data import live_introduction
from tests.visits.world import world

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
TODAY = NOW.date()
YEAR_START = dt.date(2026, 1, 1)
ROLES = {"tinh": "province_staff", "xa": "commune_staff", "bithu": "secretary_a"}


# --- displayed digits ---------------------------------------------------------------


def _text(kind: str, value) -> str:
    return figures.value_text({"kind": kind, "value": value})


def _excel_text(cell) -> str:
    """What Excel/LibreOffice display for the cell: the number format applied."""
    value = cell.value
    if value is None or value == "—":
        return "—"
    if isinstance(value, str):
        return value  # a text cell is displayed as it is (and will not equal a number)
    if cell.number_format.endswith("%"):
        return f"{value * 100:.2f}".replace(".", ",") + "%"
    if isinstance(value, float) and value != int(value):
        return f"{value:.2f}".replace(".", ",")  # a "(%)" column holds 30.52
    return formats.number_format(int(value), use_l10n=True, force_grouping=True)


def _csv_text(kind: str, raw: str) -> str:
    if raw in ("", "—"):
        return "—"
    return _text(kind, float(raw) if kind == "percent" else int(float(raw)))


def _pdf_text(content: bytes) -> str:
    """The PDF's text in content order, whitespace collapsed (a wrapped label reads
    as one line)."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"\s+", " ", out)


def _html_fig(html: str, name: str) -> str | None:
    match = re.search(rf'id="fig-{name}"[^>]*>([^<]*)<', html)
    return match.group(1).strip() if match else None


def _excel_totals(content: bytes, column: str) -> str | None:
    """The displayed value of `column` in the totals row ("Cộng"/"Tổng cộng") of the
    first sheet, the header row found by the column's label."""
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows())
    head = next((r for r in rows if column in [c.value for c in r]), None)
    if head is None:
        return None
    col = [c.value for c in head].index(column)
    total = next((r for r in rows if r[0].value in ("Cộng", "Tổng cộng")), None)
    if total is None:
        return None
    # A column labelled "(%)" holds the percentage as a number (30.52): its digits.
    return _excel_text(total[col]) + ("%" if column.endswith("(%)") else "")


def _csv_totals(content: bytes, column: str, kind: str) -> str | None:
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    head = next((r for r in lines if column in r), None)
    total = next((r for r in lines if r and r[0] in ("Cộng", "Tổng cộng")), None)
    if head is None or total is None:
        return None
    raw = total[head.index(column)]
    if column.endswith("(%)") and raw:
        return f"{float(raw):.2f}".replace(".", ",") + "%"
    return _csv_text(kind, raw)


# --- the seeded dataset -------------------------------------------------------------


@pytest.fixture
def seeded(cast):
    """Every catalogue figure gets a value, with ratios where truncating and rounding
    differ (4,82% vs 4,83%; 66,66% vs 66,67%)."""
    with time_machine.travel(NOW, tick=False):
        workers = [MemberFactory(organization=cast.agency_cell, is_working=True) for _ in range(5)]
        for _ in range(4):
            MemberFactory(organization=cast.cell_a)
        letter(cast, "active")  # w1
        letter(cast, "active", member=workers[0])
        letter(cast, "issued", member=workers[1], issued_days_ago=60)  # overdue
        letter(cast, "issued", member=workers[2], issued_days_ago=1)  # not yet due
        # Meetings: own meetings 5/142 and 2/3 present → 7/145 = 4,82%; one with
        # working members; one still being called (not held: not counted).
        closed = NOW - dt.timedelta(days=20)
        for cell, expected, present in ((cast.cell_a, 142, 5), (cast.cell_b, 3, 2)):
            make_meeting(
                cell,
                when=at(dt.date(2026, 11, 5)),
                state=Meeting.State.HELD,
                expected_count=expected,
                present_count=present,
                roll_call_closed_at=closed,
            )
        make_meeting(
            cast.cell_a,
            when=at(dt.date(2026, 10, 8)),
            kind=Meeting.Kind.WORKING_MEMBERS,
            state=Meeting.State.HELD,
            expected_count=4,
            present_count=3,
            roll_call_closed_at=closed,
        )
        make_meeting(cast.cell_a, when=NOW - dt.timedelta(hours=1), expected_count=9)
        # Comments: one yearly comment sent on time, one sent late.
        for member, sent_on in ((cast.members["w1"], 20), (workers[0], 2)):
            ResidenceComment.objects.create(
                member=member,
                introduction=live_introduction(cast, member=member),
                residence_org=cast.cell_a,
                workplace_org=cast.agency_cell,
                requested_via="workplace",
                year=2026,
                purpose=Purpose.YEARLY,
                due_on=dt.date(2026, 11, 30),
                state=ResidenceComment.State.SENT,
                duties=dict.fromkeys(DUTY_KEYS, "Tốt"),
                conclusion=0,
                conclusion_label="Thực hiện tốt",
                sent_at=dt.datetime(2026, 11 + (sent_on < 10), sent_on, 10, 0, tzinfo=TZ),
            )
        # Petitions: three answered, one after its due date → 2/3 = 66,66%.
        agency = Agency.objects.create(name="Sở Y tế tỉnh", kind="department")
        for index in range(3):
            petition = make_petition(cast.cell_a if index else cast.cell_b)
            petition = petition_services.assign(petition, agency)
            if index == 2:  # its due date passed before the answer came
                Petition.objects.filter(pk=petition.pk).update(due_on=TODAY - dt.timedelta(1))
                petition.refresh_from_db()
            petition_services.answer_petition(petition, answer="Đã giải quyết xong.")
        # Away: one not contacted for 100 days (overdue), one left 10 days ago.
        approved(cast)
        approved(cast, "a2", start_on=TODAY - dt.timedelta(days=10))
        # Fees: December opened for the province, one payment.
        fees.open_month(TODAY, cast.province)
        payment(cast)
        # Committee visits: the province committee (Sơn La preset minimums).
        world(cast)
    return cast


def _scope(cast, role) -> Organization:
    return {"tinh": cast.province, "xa": cast.commune, "bithu": cast.cell_a}[role]


# --- where each figure is printed ---------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A module output printing a catalogue figure: the page (HTML id fig-<name>) and
    its PDF ("label: value"), and, when given, the Excel/CSV totals column and the
    API's JSON path."""

    page: str  # URL name
    query: dict
    pdf: tuple[str, dict] | None = None  # (URL name, extra query)
    export: tuple[str, dict, str] | None = None  # (URL name, extra query, column)
    api: tuple[str, tuple, dict] | None = None  # (path, keys into the JSON, query)
    start: str = "year"  # the figure's period on this output: "year" or "month"
    residence_too: bool = True  # False: the residence view prints another figure
    roles: tuple = tuple(ROLES)  # roles whose organization this output is about


def _org(org):
    return {"org": org.pk}


YEAR_Q = {"year": 2026}
ON_API = {"on": "2026-12-03"}
MEETINGS = {"page": "meetings:report", "query": YEAR_Q, "pdf": ("meetings:report_pdf", {})}
MODULE_READINGS: dict[str, list[Place]] = {
    "members": [],
    "working_members": [],
    "letters_overdue": [
        Place(
            "reports:participation",
            {"on": "03/12/2026"},
            export=("reports:participation_export", {"on": "03/12/2026"}, "Giấy quá hạn chưa nộp"),
            api=("/api/v1/reports/participation", ("totals", "overdue"), ON_API),
        )
    ],
    "participation_published": [
        Place(
            "reports:participation",
            {"on": "03/12/2026"},
            export=(
                "reports:participation_export",
                {"on": "03/12/2026"},
                "Tỷ lệ trên tổng số đảng viên (số công bố)",
            ),
            api=("/api/v1/reports/participation", ("totals", "published_rate_text"), ON_API),
            residence_too=False,
        )
    ],
    "participation_current": [
        Place(
            "reports:participation",
            {"on": "03/12/2026"},
            export=(
                "reports:participation_export",
                {"on": "03/12/2026"},
                "Tỷ lệ trên số phải giữ mối liên hệ",
            ),
            api=("/api/v1/reports/participation", ("totals", "rate_text"), ON_API),
            residence_too=False,
        )
    ],
    "meetings_working_held": [
        Place(
            **MEETINGS,
            export=("meetings:report_export", YEAR_Q, "Với ĐV đang công tác"),
            api=(
                "/api/v1/reports/meetings/frequency",
                ("totals", "held", "working_members"),
                YEAR_Q,
            ),
        )
    ],
    "attendance_rate": [
        Place(
            **MEETINGS,
            export=("meetings:report_export", YEAR_Q, "Tỷ lệ dự của đảng viên chi bộ (%)"),
            api=("/api/v1/reports/meetings/frequency", ("totals", "own_rate"), YEAR_Q),
        )
    ],
    "comments_on_time": [
        Place(
            "reviews:report",
            YEAR_Q,
            pdf=("reviews:report", {**YEAR_Q, "format": "pdf"}),
            export=("reviews:report", {**YEAR_Q, "format": "xlsx"}, "Gửi đúng hạn"),
        )
    ],
    "visits_done_vs_required": [
        # The compliance page is about a committee: the province's (tinh); the commune
        # and the cell have none (the figure is "—" in their periodic report).
        Place("visits:compliance", YEAR_Q, pdf=("visits:compliance_pdf", YEAR_Q), roles=("tinh",)),
    ],
    "petitions_on_time": [
        Place(
            "petitions:report",
            YEAR_Q,
            pdf=("petitions:report", {**YEAR_Q, "format": "pdf"}),
            export=("petitions:report", {**YEAR_Q, "format": "xlsx"}, "Tỷ lệ đúng hạn"),
        )
    ],
    "away_in_contact": [
        Place(
            "away:report",
            {},
            pdf=("away:report_pdf", {}),
            export=("away:report_export", {}, "Giữ liên lạc"),
        )
    ],
    "fees_collected": [
        Place(
            "away:fees",
            {"month": "12/2026"},
            export=("away:fees_export", {"month": "12/2026"}, "Đã thu (đ)"),
            api=("/api/v1/reports/fees", ("totals", "collected"), {"month": "2026-12"}),
            start="month",
        )
    ],
}


def test_every_catalogue_figure_says_where_it_is_printed():
    """Adding a figure to the catalogue makes this test (and the consistency test,
    parametrized from FIGURES) cover it."""
    assert set(MODULE_READINGS) == set(figures.FIGURES)
    assert len(figures.FIGURES) >= 11


# --- reading every output -----------------------------------------------------------


class Reader:
    """The outputs one role reaches for its organization, fetched once per role."""

    def __init__(self, cast, role):
        self.cast, self.role = cast, role
        self.org = _scope(cast, role)
        self.user = cast.users[ROLES[role]]
        self.web = Client()
        self.web.force_login(self.user)
        cache.clear()
        _token, raw = create_token(self.user, "thử")
        self.api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        self._cache: dict = {}

    def get(self, url, query=None, api=False):
        key = (url, tuple(sorted((query or {}).items())), api)
        if key not in self._cache:
            client = self.api if api else self.web
            self._cache[key] = client.get(url, query or {})
        return self._cache[key]

    # The periodic report of the running year for the role's organization.
    def periodic(self):
        if "periodic" not in self._cache:
            self.web.post(reverse("reports:periodic"), {"period": "2026", "org": self.org.pk})
            run = ReportRun.objects.filter(user=self.user, organization=self.org).latest("pk")
            url = reverse("reports:periodic_run", args=[run.pk])
            self._cache["periodic"] = {
                "html": self.web.get(url).content.decode(),
                "xlsx": self.web.get(url, {"format": "xlsx"}).content,
                "csv": self.web.get(url, {"format": "csv"}).content,
                "pdf": _pdf_text(self.web.get(url, {"format": "pdf"}).content),
                "api": self.api.get(
                    "/api/v1/reports/periodic", {"org": self.org.pk, "period": "2026"}
                ).json(),
            }
        return self._cache["periodic"]

    def periodic_readings(self, name, label, kind) -> dict[str, str | None]:
        from openpyxl import load_workbook

        p = self.periodic()
        out = {"periodic html": _html_fig(p["html"], name)}
        rows = list(load_workbook(io.BytesIO(p["xlsx"])).active.iter_rows())
        row = next((r for r in rows if r[1].value == label), None)
        out["periodic excel"] = None if row is None else _excel_text(row[2])
        lines = list(csv.reader(io.StringIO(p["csv"].decode("utf-8-sig"))))
        line = next((r for r in lines if len(r) > 2 and r[1] == label), None)
        out["periodic csv"] = None if line is None else _csv_text(kind, line[2])
        # The label (in the "Chỉ tiêu" column) followed by this period's value.
        match = re.search(re.escape(label) + r" ([\d—][\d.,]*%?)", p["pdf"])
        out["periodic pdf"] = match.group(1) if match else None
        found = [f for s in p["api"]["sections"] for f in s["figures"] if f.get("name") == name]
        out["periodic api"] = _text(kind, found[0]["value"]) if found else None
        key = next(
            (s["key"] for s in p["api"]["sections"] for f in s["figures"] if f.get("name") == name),
            None,
        )
        out["module api"] = None
        if key is not None:
            module = self.api.get(
                f"/api/v1/reports/{key}", {"org": self.org.pk, "period": "2026"}
            ).json()
            found = [f for f in module["section"]["figures"] if f.get("name") == name]
            out["module api"] = _text(kind, found[0]["value"]) if found else None
        return out

    def module_readings(self, place: Place, name, label, kind) -> dict[str, str | None]:
        query = {**_org(self.org), **place.query}
        page = self.get(reverse(place.page), query)
        if page.status_code in (403, 404):
            return {}  # this role does not open this report (the matrix tests that)
        assert page.status_code == 200, (place.page, page.status_code)
        out = {f"{place.page} html": _html_fig(page.content.decode(), name)}
        if place.pdf:
            url, extra = place.pdf
            pdf = self.get(reverse(url), {**_org(self.org), **extra})
            if pdf.status_code == 200:
                match = re.search(re.escape(label) + r": (\S+)", _pdf_text(pdf.content))
                out[f"{url} pdf"] = match.group(1) if match else None
        if place.export:
            url, extra, column = place.export
            xlsx = self.get(reverse(url), {**_org(self.org), **extra})
            if xlsx.status_code == 200:
                out[f"{url} excel"] = _excel_totals(xlsx.content, column)
                as_csv = {**_org(self.org), **extra, "format": "csv"}
                out[f"{url} csv"] = _csv_totals(
                    self.get(reverse(url), as_csv).content, column, kind
                )
        if place.api:
            path, keys, api_query = place.api
            body = self.get(path, {"org": self.org.pk, **api_query}, api=True)
            assert body.status_code == 200, (path, body.content)
            value = body.json()
            for key in keys:
                value = value[key]
            out[f"{path} api"] = value if isinstance(value, str) else _text(kind, value)
        return out


def _expected(name, org, start: str) -> str:
    begin = YEAR_START if start == "year" else dt.date(2026, 12, 1)
    return figures.value_text(figures.read(name, org, TODAY, start=begin))


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_each_figure_reads_the_same_everywhere(seeded, role, name):
    cast = seeded
    figure = figures.FIGURES[name]
    label, kind = str(figure.label), figure.kind
    with time_machine.travel(NOW, tick=False):
        reader = Reader(cast, role)
        org = reader.org
        expected = _expected(name, org, "year")
        readings = reader.periodic_readings(name, label, kind)
        assert set(readings.values()) == {expected}, (role, name, expected, readings)
        residence = org.side == Organization.Side.RESIDENCE
        checked = len(readings)
        for place in MODULE_READINGS[name]:
            if (residence and not place.residence_too) or role not in place.roles:
                continue
            found = reader.module_readings(place, name, label, kind)
            if found:
                want = _expected(name, org, place.start)
                assert set(found.values()) == {want}, (role, name, want, found)
                checked += len(found)
            else:
                assert role != "tinh", (name, place.page)  # province staff reads every report
        if name == "letters_overdue" and role == "tinh":
            # The home panel of the province staff (scope: the province).
            home = reader.web.get("/").content.decode()
            match = re.search(
                r'<span class="num">([^<]*)</span><span class="label">giấy quá hạn chưa nộp', home
            )
            assert match and match.group(1) == expected, (match and match.group(1), expected)
    assert checked >= 6  # the periodic report's four outputs and the two APIs at least


def test_the_dataset_gives_every_figure_a_value(seeded):
    """No figure passes only because every output prints "—" or 0."""
    with time_machine.travel(NOW, tick=False):
        values = {
            name: figures.read(name, seeded.province, TODAY)["value"] for name in figures.FIGURES
        }
    assert all(values.values()), values
    assert _text("percent", values["attendance_rate"]) == "4,82%"  # 7/145, truncated
    assert _text("percent", values["petitions_on_time"]) == "66,66%"  # 2/3, truncated


def test_reading_a_figure_costs_the_same_queries_for_10_and_200_rows(seeded):
    """Each catalogue figure is a few aggregate queries whatever the size of the
    subtree (report pages add it to their own bounded count)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cast = seeded

    def cost() -> dict[str, int]:
        out = {}
        for name in figures.FIGURES:
            with CaptureQueriesContext(connection) as queries:
                figures.read(name, cast.province, TODAY)
            out[name] = len(queries)
        return out

    with time_machine.travel(NOW, tick=False):
        small = cost()
        for index in range(200):
            member = MemberFactory(organization=cast.agency_cell, is_working=True)
            if index % 4 == 0:
                letter(cast, "issued", member=member, issued_days_ago=60)
        for day in range(1, 29):
            make_meeting(
                cast.cell_b,
                when=at(dt.date(2026, 9, day)),
                state=Meeting.State.HELD,
                expected_count=200,
                present_count=150,
            )
        assert cost() == small
    assert max(small.values()) <= 8, small
