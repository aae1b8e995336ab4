"""Meeting-frequency report: page with drill-down and chart, Excel and PDF."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.guards import require_perm
from lienhe.access.requests import report_org, year_param
from lienhe.access.scoping import has_perm_anywhere
from lienhe.documents.exports import ListExporter
from lienhe.documents.papers import make_paper
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.orgs.models import Organization
from lienhe.reports.toolkit import percent_number

from . import report as rep
from . import selectors
from .models import Meeting, Rating


def _scope(request) -> tuple[Organization, int]:
    org = report_org(request, "meetings:read", kinds=selectors.REPORT_KINDS)
    return org, year_param(request)


def _chart(report: rep.Report) -> dict:
    """Bars of meetings per cell on average for each row, against the minimums."""
    bars = []
    top = max(
        [report.min_regular]
        + [(r.held[Meeting.Kind.REGULAR] / r.cells) if r.cells else 0 for r in report.rows]
    )
    top = max(top, 1)
    for i, row in enumerate(report.rows[:40]):
        regular = row.held[Meeting.Kind.REGULAR] / row.cells if row.cells else 0
        working = (
            row.held[Meeting.Kind.WORKING_MEMBERS] / row.residence_cells
            if row.residence_cells
            else 0
        )
        bars.append(
            {
                "y": 24 + i * 26,
                "label": row.org.name[:38],
                "regular": round(regular, 1),
                "working": round(working, 1),
                "w_regular": round(300 * regular / top),
                "w_working": round(300 * working / top),
                "flagged": row.flagged,
            }
        )
    return {
        "bars": bars,
        "height": 40 + 26 * len(bars),
        "min_x": 240 + round(300 * report.min_regular / top),
        "min_w_x": 240 + round(300 * report.min_working / top),
    }


CATALOGUE = ["meetings_working_held", "attendance_rate"]


def catalogue(report: rep.Report) -> list[dict]:
    """The report's headline figures read through the catalogue (issue 16), for the
    year as of today (running) or its end (closed)."""
    import datetime as dt

    from lienhe.reports import figures

    start = dt.date(report.year, 1, 1)
    return figures.shown(CATALOGUE, report.org, report.as_of, start=start)


def _data(org: Organization, year: int) -> dict:
    """What the report shows of `org` and `year`: the same for every user who may
    see `org` (the page caches it rendered, summaries.cache)."""
    report = rep.build(org, year, timezone.localdate())
    return {
        "report": report,
        "rows": [
            {
                "row": r,
                "own_rate": rep.rate(r.own_attended, r.own_expected),
                "working_rate": rep.rate(r.working_attended, r.working_expected),
            }
            for r in report.rows
        ],
        "totals": {
            "row": report.totals,
            "own_rate": rep.rate(report.totals.own_attended, report.totals.own_expected),
            "working_rate": rep.rate(
                report.totals.working_attended, report.totals.working_expected
            ),
        },
        "year": year,
        "chart": _chart(report),
        "kinds": Meeting.Kind,
        "levels": Rating.Level.choices,
        "catalogue": catalogue(report),
    }


def _shell(request, org: Organization, year: int) -> dict:
    """The per-user part of the page: breadcrumbs, year choices, export button."""
    ancestors = list(
        Organization.objects.visible_to(request.user)
        .filter(path__in=org.ancestor_paths()[:-1])
        .order_by("depth")
    )
    return {
        "org": org,
        "ancestors": ancestors,
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "can_export": has_perm_anywhere(request.user, "meetings:export"),
    }


def _context(request):
    org, year = _scope(request)
    return {**_data(org, year), **_shell(request, org, year)}


@require_perm("meetings:read")
def frequency_report(request):
    from django.shortcuts import render
    from django.template.loader import render_to_string

    from lienhe.summaries.cache import cached_for_subtree

    org, year = _scope(request)  # access checked before the cache is read

    def body() -> str:
        return render_to_string("meetings/_report_body.html", _data(org, year))

    ctx = _shell(request, org, year)
    ctx["body"] = cached_for_subtree(
        org.path, "meetings.frequency", {"year": year}, body, families=("meetings",)
    )
    return render(request, "meetings/report.html", ctx)


@require_perm("meetings:read")
def frequency_pdf(request):
    ctx = _context(request)
    report = ctx["report"]
    today = timezone.localdate()
    ctx["paper"] = make_paper(
        report.org,
        kind="BC",
        title=_("Báo cáo"),
        subtitle=_("tình hình sinh hoạt chi bộ năm %(year)s") % {"year": report.year},
        issued_on=today,
        number_key=f"meetings-frequency-{report.year}",
        recipients=[_("Cấp ủy cấp trên (để b/c)"), _("Các chi bộ trực thuộc"), _("Lưu")],
    )
    ctx["pdf"] = True
    pdf = render_pdf("meetings/report_pdf.html", ctx)
    return pdf_response(pdf, f"bao-cao-sinh-hoat-{report.year}-{report.org.code}.pdf")


class FrequencyExporter(ListExporter):
    permission = "meetings:export"
    title = "Tần suất sinh hoạt chi bộ"
    filename = "tan-suat-sinh-hoat"

    def __init__(self, report: rep.Report, cell_rows: list[rep.Row]):
        self.report = report
        self.cell_rows = cell_rows

    def header(self):
        return [
            "Tổ chức",
            "Số chi bộ",
            "Định kỳ",
            "Chuyên đề",
            "Bất thường",
            "Với ĐV đang công tác",
            "Tổng số buổi",
            f"Dưới {self.report.min_regular} buổi định kỳ",
            f"Dưới {self.report.min_working} buổi với ĐV đang công tác",
            "Tỷ lệ dự của đảng viên chi bộ (%)",
            "Tỷ lệ dự của ĐV đang công tác (%)",
            "Tốt",
            "Khá",
            "Trung bình",
            "Kém",
        ]

    def rows(self):
        for r in self.cell_rows:
            yield [
                # The totals row says "Cộng" like the web page, not the org's name.
                _("Cộng") if r is self.report.totals else r.org.name,
                r.cells,
                r.held["regular"],
                r.held["thematic"],
                r.held["extraordinary"],
                r.held["working_members"],
                r.total,
                r.below_regular,
                r.below_working,
                percent_number(r.own_attended, r.own_expected),
                percent_number(r.working_attended, r.working_expected),
                r.levels["good"],
                r.levels["fair"],
                r.levels["average"],
                r.levels["poor"],
            ]


@require_perm("meetings:export")
def frequency_export(request):
    ctx = _context(request)
    report = ctx["report"]
    return FrequencyExporter(report, report.rows + [report.totals]).export(request)
