"""Reading uploaded spreadsheets (.xlsx or CSV) defensively.

Everything that is wrong with the *file as a whole* raises `ImportFileError` with a
Vietnamese message saying what to do; per-cell problems are left to the importer.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.utils.translation import gettext as _

from lienhe.text import nfc

MAX_BYTES = 60 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_UNZIPPED = 600 * 1024 * 1024
HEADER_SCAN_ROWS = 15


def limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "IMPORT_MAX_BYTES", MAX_BYTES)),
        int(getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS)),
    )


class ImportFileError(Exception):
    """The file cannot be imported at all; the message is for the user."""


@dataclass
class Table:
    headers: list[str]
    header_row: int  # 1-based row number of the header line in the sheet/file
    rows: Iterator[tuple[int, list[Any]]]  # (1-based row number, values)
    estimated_rows: int


def sniff_kind(data: bytes, filename: str) -> str:
    """'xlsx' or 'csv', or a clear refusal for everything else."""
    max_bytes, _rows = limits()
    if not data:
        raise ImportFileError(_("Tệp rỗng: không có dữ liệu để nhập."))
    if len(data) > max_bytes:
        raise ImportFileError(
            _("Tệp quá lớn (%(size)s MB; tối đa %(max)s MB). Hãy chia tệp theo từng đảng bộ.")
            % {"size": len(data) // (1024 * 1024), "max": max_bytes // (1024 * 1024)}
        )
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "Đây là tệp Excel 97–2003 (.xls) hoặc tệp có đặt mật khẩu. Hãy mở bằng Excel, "
                "bỏ mật khẩu và chọn Lưu thành → Sổ làm việc Excel (.xlsx) hoặc CSV UTF-8."
            )
        )
    if head.startswith(b"%PDF"):
        raise ImportFileError(
            _("Đây là tệp PDF, không phải bảng tính. Hãy xuất dữ liệu ra Excel (.xlsx) hoặc CSV.")
        )
    sample = data[:4096]
    if b"\x00" in sample:
        raise ImportFileError(
            _("Tệp không phải bảng tính Excel (.xlsx) hay CSV. Hãy chọn đúng tệp dữ liệu.")
        )
    if sample.lstrip().lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<table")):
        raise ImportFileError(
            _(
                "Tệp là trang HTML/XML (thường do phần mềm cũ “xuất Excel” giả). Hãy mở bằng "
                "Excel rồi Lưu thành .xlsx hoặc CSV UTF-8."
            )
        )
    return "csv"


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16, else Windows-1258 (Vietnamese ANSI)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    _(
                        "Không đọc được bảng mã của tệp CSV. Hãy lưu lại bằng Excel với kiểu "
                        "“CSV UTF-8 (phân tách bằng dấu phẩy)”."
                    )
                ) from exc
    # Windows-1258 writes tones as combining marks; compose them (NFC).
    return nfc(text)


def _find_header(rows: list[tuple[int, list[Any]]], score) -> tuple[int, list[str]]:
    best = (0, -1)
    for index, (_n, values) in enumerate(rows[:HEADER_SCAN_ROWS]):
        points = score([cell_text(v) for v in values])
        if points > best[0]:
            best = (points, index)
    if best[1] < 0:
        raise ImportFileError(
            _(
                "Không tìm thấy dòng tiêu đề cột (ví dụ “Số thẻ đảng viên”, “Họ và tên”) trong "
                "%(n)s dòng đầu của tệp."
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    return best[1], [cell_text(v) for v in rows[best[1]][1]]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def read_table(data: bytes, filename: str, score) -> Table:
    """Open the file, locate the header row (the one `score` likes best among the
    first rows), and return a streaming iterator over the data rows."""
    kind = sniff_kind(data, filename)
    if kind == "xlsx":
        return _read_xlsx(data, score)
    return _read_csv(data, score)


def _read_csv(data: bytes, score) -> Table:
    _max_bytes, max_rows = limits()
    text = decode_csv(data)
    first = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    estimated = text.count("\n")

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(reader, start=1):
                if len(row) > MAX_COLUMNS:
                    raise ImportFileError(
                        _("Dòng %(row)s có hơn %(n)s cột: tệp không phải danh sách dữ liệu.")
                        % {"row": number, "n": MAX_COLUMNS}
                    )
                yield number, row
        except csv.Error as exc:
            raise ImportFileError(
                _("Tệp CSV bị lỗi định dạng (dấu ngoặc kép không đóng?): %(e)s") % {"e": exc}
            ) from exc

    return _finish(numbered(), score, estimated, max_rows)


def _finish(source: Iterator[tuple[int, list[Any]]], score, estimated: int, max_rows: int):
    head = []
    for item in source:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    index, headers = _find_header(head, score)
    header_row = head[index][0]
    rest = head[index + 1 :]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        count = 0
        for number, values in _chain(rest, source):
            if not any(cell_text(v) for v in values):
                continue
            count += 1
            if count > max_rows:
                raise ImportFileError(
                    _(
                        "Tệp có hơn %(n)s dòng dữ liệu. Hãy chia thành nhiều tệp (ví dụ theo "
                        "từng đảng bộ) rồi nhập lần lượt."
                    )
                    % {"n": f"{max_rows:,}".replace(",", ".")}
                )
            yield number, values

    return Table(headers, header_row, rows(), max(0, estimated - header_row))


def _chain(first, then):
    yield from first
    yield from then


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _merged_ranges(zf: zipfile.ZipFile, sheet: str) -> list[tuple[str, int, int]]:
    """(ref, first row, last row) of merged cells, read from the raw sheet XML in
    chunks (openpyxl's streaming reader does not expose them)."""
    found = []
    tail = b""
    with zf.open(sheet) as handle:
        while chunk := handle.read(1 << 20):
            buffer = tail + chunk
            for match in _MERGE.finditer(buffer):
                col1, row1, col2, row2 = match.groups()
                ref = f"{col1.decode()}{row1.decode()}"
                if col2:
                    ref += f":{col2.decode()}{row2.decode()}"
                found.append((ref, int(row1), int(row2 or row1)))
            tail = buffer[-200:]
    return list(dict.fromkeys(found))


def _read_xlsx(data: bytes, score) -> Table:
    from . import xlsx_reader

    _max_bytes, max_rows = limits()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("Tệp .xlsx bị hỏng, không mở được.")) from exc
    if "xl/workbook.xml" not in zf.namelist():
        raise ImportFileError(
            _("Tệp nén (.zip/.docx…) không phải bảng tính Excel (.xlsx). Hãy chọn đúng tệp.")
        )
    if sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise ImportFileError(
            _("Bảng tính quá lớn khi giải nén. Hãy chia tệp theo từng đảng bộ rồi nhập lần lượt.")
        )
    try:
        sheet, date1904 = xlsx_reader.first_sheet_path(zf)
        estimated = xlsx_reader.declared_rows(zf, sheet)
        merged = _merged_ranges(zf, sheet)
    except (KeyError, ValueError, zipfile.BadZipFile, ParseError) as exc:
        raise ImportFileError(
            _("Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx).")
        ) from exc
    if estimated > max_rows * 3:
        raise ImportFileError(
            _(
                "Trang tính khai báo %(n)s dòng. Hãy xóa các dòng trống thừa ở cuối hoặc chia "
                "tệp rồi nhập lần lượt."
            )
            % {"n": f"{estimated:,}".replace(",", ".")}
        )

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from xlsx_reader.rows(zf, sheet, date1904, MAX_COLUMNS)
        except (KeyError, ValueError, zipfile.BadZipFile, ParseError) as exc:
            raise ImportFileError(
                _("Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx).")
            ) from exc

    table = _finish(numbered(), score, estimated, max_rows)
    in_data = [ref for ref, first, last in merged if last >= table.header_row]
    if in_data:
        raise ImportFileError(
            _(
                "Bảng có ô gộp (merged cells) trong vùng tiêu đề/dữ liệu: %(refs)s. Hãy bỏ gộp "
                "ô (Unmerge) và điền đủ giá trị cho từng dòng rồi tải lại."
            )
            % {"refs": ", ".join(in_data[:5])}
        )
    return table
