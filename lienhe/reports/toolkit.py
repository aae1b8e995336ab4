"""The shared report toolkit (documented in docs/reports.md). Four pieces:

- `subtree_breakdown(parent, queryset, path_field, **aggregates)`: aggregates of any
  queryset grouped by the child of `parent` each row falls under — one grouped query
  (+1 for the children) whatever the subtree size.
- `bar_chart_svg(bars, ...)`: a server-side SVG bar chart (same markup on the page
  and, through `svg_data_uri`, in the PDF).
- `TableExporter`: Excel (and CSV) with a title, formatted header and a totals row,
  built on `lienhe.documents.exports.ListExporter`.
- `render_report_pdf(...)`: a statistical report in the official layout
  (`reports/report_pdf.html` extends `documents/official.html`).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lienhe.documents.exports import ListExporter, Percent
from lienhe.orgs.models import Organization
from lienhe.ratios import truncate_ratio  # noqa: F401  (re-exported: the one rule)

# --- columns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One report column. kind: "text", "int" or "percent" (value is a 0..1 ratio)."""

    key: str
    label: str
    kind: str = "int"
    width: int = 14


def ratio(part: int | float | None, whole: int | float | None, digits: int = 2) -> float | None:
    """part/whole truncated by the one rule (`truncate_ratio`), or None when the base
    is zero (shown as '—')."""
    if not whole:
        return None
    return truncate_ratio((part or 0) / whole, digits)


def percent_number(part: int | float | None, whole: int | float | None) -> float | None:
    """The displayed percent as a number (30.52) for exports whose column says "(%)"."""
    value = ratio(part, whole)
    return None if value is None else round(100 * value, 2)


def percent_text(value: float | None, digits: int = 2) -> str:
    """A 0..1 ratio as Vietnamese percent, TRUNCATED like the party's statistical
    reports (30.030/98.377 = 0.305254… → "30,52%", not 30,53%)."""
    if value is None:
        return "—"
    from decimal import Decimal

    from django.utils import formats

    scaled = Decimal(str(truncate_ratio(value, digits))) * 100
    return formats.number_format(scaled, digits, use_l10n=True) + "%"


# --- aggregation -------------------------------------------------------------------


@dataclass
class Breakdown:
    parent: Organization
    rows: list[dict] = field(default_factory=list)  # {"org", "has_children", **values}
    totals: dict = field(default_factory=dict)


def grouped_by_child(
    parent: Organization, queryset: QuerySet, path_field: str, **aggregates: Any
) -> dict[str, dict]:
    """{child path prefix: {aggregate: value}} over `parent`'s subtree — ONE grouped
    query. Rows sitting directly on `parent` come under `parent.path`."""
    width = (parent.depth + 1) * Organization.steplen
    grouped = (
        queryset.filter(**{f"{path_field}__startswith": parent.path})
        .annotate(_prefix=Substr(path_field, 1, width))
        .values("_prefix")
        .annotate(**aggregates)
        .order_by()
    )
    return {row.pop("_prefix"): row for row in grouped}


def subtree_breakdown(
    parent: Organization,
    queryset: QuerySet,
    path_field: str,
    *,
    derive: Callable[[dict], dict] | None = None,
    keep_empty: bool = True,
    also: Sequence[tuple[QuerySet, str, dict]] = (),
    **aggregates: Any,
) -> Breakdown:
    """Aggregate `queryset` over `parent`'s subtree, one row per active child of
    `parent` (plus a row for the parent itself when rows sit directly on it).

    `path_field` is the lookup to the organization path of each row (e.g.
    "organization__path"); `aggregates` are Django aggregate expressions (Count, Sum…)
    evaluated in ONE grouped query. `also` adds more (queryset, path_field,
    {aggregates}) sources, one grouped query each, merged into the same rows (e.g.
    members counted from Member and letters counted from Introduction). `derive(values)
    -> dict` adds computed columns (rates) to every row and to the totals. Children
    with all-zero values are dropped unless `keep_empty`. Queries: 1 + len(also) + 1."""
    sources = [(queryset, path_field, aggregates), *also]
    by_prefix: dict[str, dict] = {}
    keys: list[str] = []
    for qs, field_path, aggs in sources:
        keys += list(aggs)
        for prefix, values in grouped_by_child(parent, qs, field_path, **aggs).items():
            by_prefix.setdefault(prefix, {}).update(values)
    children = list(
        Organization.objects.filter(depth=parent.depth + 1, path__startswith=parent.path)
        .filter(is_active=True)
        .order_by("path")
    )
    zero = dict.fromkeys(keys, 0)
    rows = []
    for child in children:
        values = {**zero, **{k: v or 0 for k, v in by_prefix.get(child.path, {}).items()}}
        if not keep_empty and not any(values.values()):
            continue
        rows.append({"org": child, "has_children": child.numchild > 0, **values})
    if parent.path in by_prefix:  # rows attached to the parent itself
        values = {**zero, **{k: v or 0 for k, v in by_prefix[parent.path].items()}}
        rows.append({"org": parent, "has_children": False, "direct": True, **values})
    totals = {k: sum((row.get(k) or 0) for row in by_prefix.values()) for k in keys}
    if derive is not None:
        for row in rows:
            row.update(derive(row))
        totals.update(derive(totals))
    return Breakdown(parent=parent, rows=rows, totals=totals)


# --- chart -------------------------------------------------------------------------


def bar_chart_svg(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str = "",
    unit: str = "%",
    max_value: float | None = None,
    target: float | None = None,
    width: int = 680,
    digits: int = 1,
) -> SafeString:
    """Horizontal bar chart as inline SVG markup (labels escaped). Values are in the
    unit shown (e.g. 30.52 with unit "%"). `target` draws a dashed reference line."""
    label_w, value_w, bar_h, gap, top = 230, 70, 18, 8, 28 if title else 8
    plot_w = width - label_w - value_w
    values = [v for _, v in bars if v is not None]
    scale_max = max_value or max(values + [target or 0, 1e-9])
    height = top + len(bars) * (bar_h + gap) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="Liberation Sans, Arial, sans-serif" font-size="12">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
        out.append(f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>')
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_h + gap)
        short = label if len(label) <= 34 else label[:33] + "…"
        out.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end">{escape(short)}</text>'
        )
        out.append(
            f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="#f1ece4"/>'
        )
        if value is not None:
            w = max(0.0, min(1.0, value / scale_max)) * plot_w
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#b3261e"/>'
            )
            if unit == "%":
                shown = percent_text(value / 100, digits)
            else:
                shown = f"{value:.{digits}f}".replace(".", ",") + unit
        else:
            shown = "—"
        out.append(f'<text x="{label_w + plot_w + 6}" y="{y + bar_h - 5}">{escape(shown)}</text>')
    if target is not None and scale_max:
        x = label_w + min(1.0, target / scale_max) * plot_w
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 6}" '
            f'stroke="#1b5e20" stroke-dasharray="4 3"/>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 — every text node above is escaped


def svg_data_uri(svg: str) -> str:
    """For `<img src=…>` in PDFs (WeasyPrint renders SVG images reliably)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# --- Excel -------------------------------------------------------------------------


def _kind(column: Column, row: dict) -> Column:
    """A row may override a column's kind (`row["_kinds"] = {key: kind}`): the
    periodic report mixes counts and rates in one column."""
    kind = (row.get("_kinds") or {}).get(column.key)
    if kind is None or kind == column.kind:
        return column
    return Column(column.key, column.label, kind, column.width)


def _cell_value(column: Column, value: Any) -> Any:
    if column.kind == "percent":
        return None if value is None else Percent(float(value))
    if column.kind == "text":
        return "" if value is None else str(value)
    return value


class TableExporter(ListExporter):
    """A report table: title line(s), a formatted header, the rows and a totals row.
    `rows` are dicts keyed by column key; `totals` likewise (label in the first
    column). CSV output (`response("csv")`) keeps header + rows + totals."""

    def __init__(
        self,
        *,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[dict],
        totals: dict | None = None,
        subtitle: str = "",
        filename: str = "bao-cao",
        permission: str = "reports:export",
    ):
        self.permission = permission
        self.title = title
        self.filename = filename
        self.subtitle = subtitle
        self.period = subtitle
        self.columns = list(columns)
        self.data = list(rows)
        self.totals = totals

    def header(self):
        return [c.label for c in self.columns]

    def rows(self):
        for row in [*self.data, *([self.totals] if self.totals is not None else [])]:
            yield [_cell_value(_kind(c, row), row.get(c.key)) for c in self.columns]


# --- PDF ---------------------------------------------------------------------------


def render_report_pdf(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[dict],
    totals: dict | None,
    org,
    date: dt.date,
    number_key: str,
    subtitle: str = "",
    chart: str = "",
    notes: Sequence[str] = (),
    recipients: Sequence[str] = (),
    template: str = "reports/report_pdf.html",
) -> bytes:
    """A statistical report of `org` in the official layout (`OfficialPaper`): header,
    number from the register (`number_key` keeps it stable across prints), title,
    the table with a totals row, the chart (SVG, embedded as an image), notes and the
    signature of the issuing committee."""
    from lienhe.documents.papers import make_paper
    from lienhe.documents.services import render_pdf

    paper = make_paper(
        org,
        kind="BC",
        title=title,
        subtitle=subtitle,
        issued_on=date,
        number_key=number_key,
        recipients=list(recipients) or [_("Cấp ủy cấp trên (để b/c)"), _("Lưu")],
    )
    return render_pdf(
        template,
        {
            "paper": paper,
            "columns": columns,
            "rows": [[(c, row.get(c.key)) for c in columns] for row in rows],
            "totals": [(c, totals.get(c.key)) for c in columns] if totals else None,
            "chart_uri": svg_data_uri(str(chart)) if chart else "",
            "notes": notes,
        },
    )
