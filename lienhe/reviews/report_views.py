"""Comment and review report for a subtree and year: coverage, distributions, conflicts,
leniency signals; page, Excel and PDF."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.guards import require_perm
from lienhe.access.requests import report_org, year_param
from lienhe.dbrouter import reads_from_replica
from lienhe.reports.figures import lines as figures_lines
from lienhe.reports.toolkit import Column, TableExporter, bar_chart_svg, ratio, render_report_pdf

from . import selectors

COLUMNS = [
    Column("name", "Tổ chức", "text", 40),
    Column("requested", "Đã yêu cầu"),
    Column("sent", "Đã gửi"),
    Column("sent_rate", "Tỷ lệ đã gửi", "percent"),
    Column("on_time", "Gửi đúng hạn"),
    Column("top", "Mức tốt"),
    Column("top_rate", "Tỷ lệ mức tốt", "percent"),
]


def _org_and_year(request):
    org = report_org(request, "reviews:read")
    year = year_param(request)
    return org, year


def _table(org, year):
    rows = []
    for r in selectors.by_child(org, year):
        rows.append(
            {
                "org": r["org"],
                "name": r["org"].name,
                "requested": r["requested"],
                "sent": r["sent"],
                "sent_rate": ratio(r["sent"], r["requested"]),
                "on_time": r["on_time"],
                "top": r["top"],
                "top_rate": ratio(r["top"], r["sent"]),
            }
        )
    totals = {
        "name": _("Tổng cộng"),
        **{k: sum(r[k] for r in rows) for k in ("requested", "sent", "top")},
    }
    totals["sent_rate"] = ratio(totals["sent"], totals["requested"])
    totals["top_rate"] = ratio(totals["top"], totals["sent"])
    # The headline figure of the whole subtree comes from the catalogue (issue 16).
    catalogue = _catalogue(org, year)
    totals["on_time"] = catalogue[0]["value"]
    return rows, totals, catalogue


def _catalogue(org, year) -> list[dict]:
    import datetime as dt

    from lienhe.reports import figures

    on = min(timezone.localdate(), dt.date(year, 12, 31))
    return figures.shown(["comments_on_time"], org, on, start=dt.date(year, 1, 1))


def _chart(rows):
    bars = [
        (r["name"], None if r["sent_rate"] is None else 100 * r["sent_rate"]) for r in rows[:25]
    ]
    return bar_chart_svg(bars, title=_("Tỷ lệ nhận xét đã gửi theo đơn vị"), max_value=100)


@require_perm("reviews:read")
@reads_from_replica
def report(request):
    org, year = _org_and_year(request)  # access checked before the cache is read
    fmt = request.GET.get("format")
    if fmt not in ("xlsx", "csv", "pdf"):
        from lienhe.summaries.cache import cached_for_subtree

        def body() -> str:
            rows, totals, catalogue = _table(org, year)
            coverage = _coverage(org, year, catalogue)
            return render_to_string(
                "reviews/_report_body.html",
                _body_context(org, year, rows, totals, catalogue, coverage),
            )

        return render(
            request,
            "reviews/report.html",
            {
                "org": org,
                "year": year,
                "body": cached_for_subtree(
                    org.path, "reviews.report", {"year": year}, body, families=("comments",)
                ),
            },
        )
    rows, totals, catalogue = _table(org, year)
    title = _("Báo cáo nhận xét nơi cư trú và đánh giá đảng viên năm %(y)s") % {"y": year}
    if fmt in ("xlsx", "csv"):
        return TableExporter(
            title=title,
            subtitle=org.name,
            columns=COLUMNS,
            rows=rows,
            totals=totals,
            permission="reviews:export",
            filename=f"nhan-xet-{year}",
        ).export(request, fmt)
    coverage = _coverage(org, year, catalogue)
    from lienhe.documents.services import pdf_response

    notes = [
        _(
            "Đảng viên đang công tác: %(n)s; đã yêu cầu nhận xét: %(r)s; đã gửi đúng hạn: %(o)s; "
            "gửi muộn: %(l)s; quá hạn chưa gửi: %(d)s."
        )
        % {
            "n": coverage["working_members"],
            "r": coverage["requested"],
            "o": catalogue[0]["text"],
            "l": coverage["sent_late"],
            "d": coverage["overdue"],
        },
        *figures_lines(catalogue),
    ]
    pdf = render_report_pdf(
        title=title,
        subtitle=org.name,
        columns=COLUMNS,
        rows=rows,
        totals=totals,
        org=org,
        date=timezone.localdate(),
        number_key=f"reviews-comments-{year}",
        chart=_chart(rows),
        notes=notes,
    )
    return pdf_response(pdf, f"bao-cao-nhan-xet-{year}.pdf")


def _coverage(org, year, catalogue) -> dict:
    """The catalogue figure `comments_on_time` (`_catalogue`: same subtree, year and
    date) carries `comment_counts`: coverage reuses them (one scan, not two)."""
    return selectors.comment_coverage(org, year, counts=catalogue[0])


def _body_context(org, year, rows, totals, catalogue, coverage) -> dict:
    return {
        "org": org,
        "year": year,
        "rows": rows,
        "totals": totals,
        "coverage": coverage,
        "conclusions": selectors.conclusion_distribution(org, year),
        "reviews": selectors.review_distribution(org, year),
        "conflicts": selectors.conflicts(org, year)[:50],
        "leniency": selectors.leniency_signals(org, year, limit=30),
        "chart": _chart(rows),
        "catalogue": catalogue,
    }
