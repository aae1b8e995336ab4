"""One base for every list export: a subclass yields a header and rows; the base
writes a formula-safe .xlsx (write-only, streamed rows) or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = FORMULA_START  # the importer strips the same prefix back (finding 7)


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in user-typed text (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


class ListExporter:
    title: str = "Danh sách"
    filename: str = "danh-sach"

    def header(self) -> Sequence[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def to_xlsx_bytes(self) -> bytes:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=str(self.title)[:31])
        bold = Font(bold=True)
        head = []
        for label in self.header():
            cell = WriteOnlyCell(ws, value=str(label))
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in self.rows():
            out = []
            for value in row:
                cell = WriteOnlyCell(ws, value=safe_cell(value))
                if isinstance(value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            ws.append(out)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    def to_csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(h) for h in self.header()])
        for row in self.rows():
            writer.writerow(
                [v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else safe_cell(v) for v in row]
            )
        return buffer.getvalue()

    def response(self, fmt: str = "xlsx") -> HttpResponse:
        stamp = timezone.localdate().strftime("%Y%m%d")
        if fmt == "csv":
            resp = HttpResponse(
                "\ufeff" + self.to_csv_text(), content_type="text/csv; charset=utf-8"
            )
            resp["Content-Disposition"] = f'attachment; filename="{self.filename}-{stamp}.csv"'
            return resp
        resp = HttpResponse(
            self.to_xlsx_bytes(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        resp["Content-Disposition"] = f'attachment; filename="{self.filename}-{stamp}.xlsx"'
        return resp
