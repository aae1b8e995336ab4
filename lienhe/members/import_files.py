"""Reading uploaded spreadsheets (.xlsx or CSV) defensively.

Everything that is wrong with the *file as a whole* raises `ImportFileError` with a
Vietnamese message saying what to do; per-cell problems are left to the importer.
"""

from __future__ import annotations

import csv
import io
import itertools
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
HEADER_SCAN_ROWS = 15
# Zip-bomb limits on the *uncompressed* parts of an .xlsx, checked from the zip's
# directory before anything is decompressed (issue 15, finding 3). A 200,000-row
# member list is about 120 MB of sheet XML and well under 40 MB of shared strings.
MAX_UNZIPPED = 400 * 1024 * 1024  # all parts together
MAX_PART = 256 * 1024 * 1024  # any one part (the worksheet)
MAX_SHARED_STRINGS = 40 * 1024 * 1024  # xl/sharedStrings.xml (held in memory)


def limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "IMPORT_MAX_BYTES", MAX_BYTES)),
        int(getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS)),
    )


def zip_limits() -> tuple[int, int, int]:
    """(total, per part, shared strings) uncompressed bytes allowed in an .xlsx."""
    return (
        int(getattr(settings, "IMPORT_MAX_UNZIPPED_BYTES", MAX_UNZIPPED)),
        int(getattr(settings, "IMPORT_MAX_PART_BYTES", MAX_PART)),
        int(getattr(settings, "IMPORT_MAX_SHARED_STRINGS_BYTES", MAX_SHARED_STRINGS)),
    )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f}".replace(",", ".")


def check_zip_parts(zf: zipfile.ZipFile) -> None:
    """Refuse a bomb from the zip directory alone (sizes the zip declares; the reader
    never decompresses more than a part declares: zipfile checks the size and CRC)."""
    total_limit, part_limit, strings_limit = zip_limits()
    total = 0
    for info in zf.infolist():
        total += info.file_size
        limit = strings_limit if info.filename == "xl/sharedStrings.xml" else part_limit
        if info.file_size > limit:
            raise ImportFileError(
                _(
                    "Bảng tính bất thường: phần “%(part)s” giải nén ra %(size)s MB (tối đa "
                    "%(max)s MB). Hãy mở tệp bằng Excel, xóa các ô/dòng thừa rồi lưu lại, "
                    "hoặc chia tệp theo từng đảng bộ."
                )
                % {"part": info.filename, "size": _mb(info.file_size), "max": _mb(limit)}
            )
    if total > total_limit:
        raise ImportFileError(
            _(
                "Bảng tính quá lớn khi giải nén (%(size)s MB; tối đa %(max)s MB). Hãy chia "
                "tệp theo từng đảng bộ rồi nhập lần lượt."
            )
            % {"size": _mb(total), "max": _mb(total_limit)}
        )


def precheck(data: bytes, filename: str) -> str:
    """The cheap checks the upload view may run (no parsing): kind, size, and for an
    .xlsx the zip directory and part sizes. Returns 'xlsx' or 'csv'."""
    kind = sniff_kind(data, filename)
    if kind == "xlsx":
        _open_zip(data)
    return kind


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


def read_table(data: bytes, filename: str, score, *, header_only: bool = False) -> Table:
    """Open the file, locate the header row (the one `score` likes best among the
    first rows), and return a streaming iterator over the data rows. With
    `header_only` (the upload step) only the first rows are read: for an .xlsx only
    the shared strings those rows use, and `rows` is empty."""
    kind = sniff_kind(data, filename)
    if kind == "xlsx":
        return _read_xlsx(data, score, header_only=header_only)
    table = _read_csv(data, score)
    if header_only:
        table.rows = iter(())
    return table


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
        # Every row counts toward the limit, empty ones included (a sheet of millions
        # of empty rows is work too), and so does the row number (sparse rows).
        count = 0
        for number, values in _chain(rest, source):
            count += 1
            if count > max_rows or number - header_row > max_rows:
                raise ImportFileError(
                    _(
                        "Tệp có hơn %(n)s dòng dữ liệu. Hãy chia thành nhiều tệp (ví dụ theo "
                        "từng đảng bộ) rồi nhập lần lượt."
                    )
                    % {"n": f"{max_rows:,}".replace(",", ".")}
                )
            if not any(cell_text(v) for v in values):
                continue
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


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("Tệp .xlsx bị hỏng, không mở được.")) from exc
    if "xl/workbook.xml" not in zf.namelist():
        raise ImportFileError(
            _("Tệp nén (.zip/.docx…) không phải bảng tính Excel (.xlsx). Hãy chọn đúng tệp.")
        )
    check_zip_parts(zf)
    return zf


def _read_xlsx(data: bytes, score, *, header_only: bool = False) -> Table:
    from . import xlsx_reader

    _max_bytes, max_rows = limits()
    zf = _open_zip(data)
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

    strings = None
    if header_only:
        try:
            wanted = xlsx_reader.header_string_indices(zf, sheet, HEADER_SCAN_ROWS)
            strings = xlsx_reader.shared_strings(zf, wanted)
        except (KeyError, ValueError, zipfile.BadZipFile, ParseError) as exc:
            raise ImportFileError(
                _("Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx).")
            ) from exc

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            source = xlsx_reader.rows(zf, sheet, date1904, MAX_COLUMNS, strings)
            if header_only:
                source = itertools.islice(source, HEADER_SCAN_ROWS)
            yield from source
        except (KeyError, ValueError, zipfile.BadZipFile, ParseError) as exc:
            raise ImportFileError(
                _("Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx).")
            ) from exc

    table = _finish(numbered(), score, estimated, max_rows)
    if header_only:
        table.rows = iter(())
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
