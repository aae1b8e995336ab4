"""One base for every spreadsheet export (pretix `base/exporter.py`): a subclass
yields a header and rows (or several tables through `sheets()`); the base owns the
rest, for xlsx and CSV alike:

- title rows (issuer, report name, period, "tính đến ngày"), a bold header row,
  the header frozen and repeated on each printed page;
- column widths from the content; numbers stay numbers (`#,##0`), dates
  `dd/mm/yyyy`, `Percent` values `0.00%` (truncated to two decimals, stored as a
  number); page setup A4, landscape when wide, fit to one page wide;
- one table per sheet (a second table goes to a second sheet);
- formula neutralisation of user-typed text;
- the permission (`permission`, one named export permission per module), the
  row limit (`EXPORT_SYNC_LIMIT`) and an audit row for every export (`export()`).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lienhe.ratios import truncate_ratio

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = FORMULA_START  # the importer strips the same prefix back (finding 7)

PROGRESS_EVERY = 500

# Every exporter class, for the parametrized test and docs/documents.md.
EXPORTERS: dict[str, type[ListExporter]] = {}


class Percent(float):
    """A ratio (0.1234 = 12.34%) written as a number with the format `0.00%`. The
    value is truncated (not rounded) to two decimals of a percent, the one rule
    (`lienhe.ratios.truncate_ratio`)."""

    def __new__(cls, value: float | None):
        if value is None:
            return None  # type: ignore[return-value]
        return super().__new__(cls, truncate_ratio(value))


def percent(part: float | None, whole: float | None) -> Percent | None:
    if not whole or part is None:
        return None
    return Percent(part / whole)


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in user-typed text (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _shown_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, Percent):
        return 7
    if isinstance(value, int | float | decimal.Decimal):
        return len(f"{value:,.0f}") + (3 if isinstance(value, float) else 0)
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _number_format(value: Any) -> str | None:
    if isinstance(value, Percent):
        return "0.00%"
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return "DD/MM/YYYY HH:MM"
    if isinstance(value, dt.date):
        return "DD/MM/YYYY"
    if isinstance(value, int | decimal.Decimal):
        return "#,##0"
    if isinstance(value, float):
        return "#,##0.0#"
    return None


@dataclass
class Table:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


class ListExporter:
    title: str = "Danh sách"
    filename: str = "danh-sach"
    # The named export permission of the module (lienhe/access/permissions.py).
    permission: str = "reports:export"
    # True when rows carry personal data (phones, addresses, family contacts).
    personal_data: bool = False
    issuer: str = ""
    period: str = ""
    as_of: dt.date | None = None
    rows_written: int = 0
    # Called with the rows written so far, every PROGRESS_EVERY rows (background jobs).
    progress: Callable[[int], None] | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        EXPORTERS[f"{cls.__module__}.{cls.__qualname__}"] = cls

    def __init__(self, queryset=None):
        """`queryset`: the rows (the view's filtered, scoped queryset)."""
        self.queryset = queryset

    def header(self) -> Sequence[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def sheets(self) -> list[Table]:
        """The tables to write; one per sheet. Override to add a second table."""
        return [Table(str(self.title), self.header(), self.rows())]

    def count(self) -> int | None:
        """Rows about to be written, when cheap to know (a queryset); else None."""
        from django.db.models import QuerySet

        for name in ("qs", "queryset"):
            qs = getattr(self, name, None)
            if isinstance(qs, QuerySet):
                return qs.count()
        return None

    # --- writing ----------------------------------------------------------------

    def _row_written(self) -> None:
        self.rows_written += 1
        if self.progress is not None and self.rows_written % PROGRESS_EVERY == 0:
            self.progress(self.rows_written)

    def title_rows(self) -> list[str]:
        lines = []
        if self.issuer:
            lines.append(str(self.issuer).upper())
        lines.append(str(self.title).upper())
        if self.period:
            lines.append(str(self.period))
        as_of = self.as_of or timezone.localdate()
        lines.append(f"Tính đến ngày {as_of:%d/%m/%Y}")
        return lines

    def _write_sheet(self, wb: Workbook, table: Table, used: set[str]) -> None:
        name = str(table.title)[:31] or "Sheet"
        for ch in "[]:*?/\\":
            name = name.replace(ch, " ")
        base, n = name, 2
        while name in used:
            name = f"{base[:28]} {n}"
            n += 1
        used.add(name)
        ws = wb.create_sheet(title=name)
        header = [str(h) for h in table.header]
        ncols = max(len(header), 1)
        it = iter(table.rows)
        head = [list(r) for r in itertools.islice(it, 1000)]
        widths = [len(h) for h in header]
        widths += [0] * max(0, max((len(r) for r in head), default=0) - len(widths))
        for r in head:
            for i, v in enumerate(r):
                widths[i] = max(widths[i], _shown_width(v))
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 60)
        titles = self.title_rows()
        header_row = len(titles) + 2
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.orientation = "landscape" if ncols > 6 else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        bold = Font(bold=True)
        for line in titles:
            c = WriteOnlyCell(ws, value=safe_cell(line))
            c.font = Font(bold=True, size=13 if line == str(self.title).upper() else 11)
            ws.append([c])
        ws.append([])
        head_cells = []
        for label in header:
            c = WriteOnlyCell(ws, value=label)
            c.font = bold
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            head_cells.append(c)
        ws.append(head_cells)
        for row in itertools.chain(head, it):
            out = []
            for value in row:
                cell = WriteOnlyCell(ws, value=safe_cell(value))
                fmt = _number_format(value)
                if fmt:
                    cell.number_format = fmt
                out.append(cell)
            ws.append(out)
            self._row_written()

    def to_xlsx_bytes(self) -> bytes:
        wb = Workbook(write_only=True)
        self.rows_written = 0
        used: set[str] = set()
        for table in self.sheets():
            self._write_sheet(wb, table, used)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    def to_csv_text(self) -> str:
        """CSV holds one table: the first one (a second table is in the xlsx)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        table = self.sheets()[0]
        self.rows_written = 0
        writer.writerow([str(h) for h in table.header])
        for row in table.rows:
            writer.writerow(
                [
                    v.strftime("%d/%m/%Y")
                    if isinstance(v, dt.date) and not isinstance(v, dt.datetime)
                    else safe_cell(v)
                    for v in row
                ]
            )
            self._row_written()
        return buffer.getvalue()

    def render(self, fmt: str = "xlsx") -> tuple[bytes, str, str]:
        """The file as (content, content type, file name)."""
        stamp = timezone.localdate().strftime("%Y%m%d")
        if fmt == "csv":
            content = ("\ufeff" + self.to_csv_text()).encode()
            return content, "text/csv; charset=utf-8", f"{self.filename}-{stamp}.csv"
        return (
            self.to_xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{self.filename}-{stamp}.xlsx",
        )

    def response(self, fmt: str = "xlsx") -> HttpResponse:
        content, content_type, filename = self.render(fmt)
        resp = HttpResponse(content, content_type=content_type)
        resp["Content-Disposition"] = f'attachment; filename="{filename}"'
        return resp

    # --- the one entry point for views ----------------------------------------------

    def export(self, request, fmt: str | None = None, *, org=None) -> HttpResponse:
        """Check the permission and the row limit, write the file and an audit row.

        Above `EXPORT_SYNC_LIMIT` rows the export is queued (`export_jobs.queue`)
        and the user is sent to its progress page; the worker replays the same
        request, reaching this method again with `request.export_job` set, and the
        file is stored on the job for download."""
        from django.shortcuts import redirect

        from lienhe.access.scoping import has_org_permission, has_perm_anywhere

        from . import export_jobs

        user = request.user
        allowed = (
            has_org_permission(user, org, self.permission)
            if org is not None
            else has_perm_anywhere(user, self.permission)
        )
        if not allowed:
            raise PermissionDenied
        fmt = fmt or request.GET.get("format", "xlsx")
        if fmt not in ("xlsx", "csv"):
            fmt = "xlsx"
        if org is not None and not self.issuer:
            self.issuer = org.name
        job = getattr(request, "export_job", None)
        if job is None:
            count = self.count()
            if count is not None and count > settings.EXPORT_SYNC_LIMIT:
                return redirect(export_jobs.queue(self, request, fmt=fmt, total=count))
            result = self.response(fmt)
        else:
            self.progress = export_jobs.progress_of(job)
            content, _content_type, filename = self.render(fmt)
            result = export_jobs.store(job, content, filename, rows=self.rows_written)
        self._audit(request, fmt, org, job)
        return result

    def _audit(self, request, fmt: str, org, job) -> None:
        from lienhe.audit.models import AuditEvent

        user = request.user
        data = {
            "exporter": type(self).__name__,
            "title": str(self.title),
            "format": fmt,
            "filters": {k: v for k, v in request.GET.items() if k != "format"},
            "count": self.rows_written,
            "permission": self.permission,
        }
        if job is not None:
            data["job"] = job.pk
        AuditEvent.objects.create(
            actor=user if user.is_authenticated else None,
            action="privacy.export" if self.personal_data else "documents.export",
            object_type="export",
            object_id=self.filename[:40],
            organization_path=getattr(org, "path", "") or "",
            data=data,
        )
