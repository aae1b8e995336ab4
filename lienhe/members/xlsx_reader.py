"""A small streaming .xlsx row reader (standard library XML parser).

openpyxl's read-only mode builds an object per shared string and per cell, which is
too slow for 100,000-row imports; this reader yields plain values per row and keeps
only what an import needs: shared/inline strings, numbers, booleans, dates (from the
cell's number format), and formulas (returned as "=…" so the importer can refuse them).
"""

from __future__ import annotations

import re
import zipfile
from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def first_sheet_path(zf: zipfile.ZipFile) -> tuple[str, bool]:
    """(path of the first worksheet in workbook order, uses the 1904 calendar)."""
    rid, date1904 = None, False
    with zf.open("xl/workbook.xml") as handle:
        for _event, node in iterparse(handle):
            if node.tag == f"{NS}workbookPr":
                date1904 = node.get("date1904") in ("1", "true")
            elif node.tag == f"{NS}sheet" and rid is None:
                rid = node.get(f"{REL_NS}id")
    target = None
    if rid and "xl/_rels/workbook.xml.rels" in zf.namelist():
        with zf.open("xl/_rels/workbook.xml.rels") as handle:
            for _event, node in iterparse(handle):
                if node.tag == f"{PKG_REL}Relationship" and node.get("Id") == rid:
                    target = node.get("Target")
    if target:
        target = target.lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        if path in zf.namelist():
            return path, date1904
    names = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not names:
        raise KeyError("no worksheet")
    return names[0], date1904


def shared_strings(zf: zipfile.ZipFile, wanted: set[int] | None = None) -> list[str] | dict:
    """All shared strings (a list), or only the indices in `wanted` (a dict) — the
    upload step reads the header with the few strings it needs, never the whole part.
    Each parsed entry is dropped from the tree as it is read (bounded memory)."""
    if "xl/sharedStrings.xml" not in zf.namelist():
        return [] if wanted is None else {}
    strings: list[str] = []
    picked: dict[int, str] = {}
    index = 0
    root = None
    with zf.open("xl/sharedStrings.xml") as handle:
        for event, node in iterparse(handle, events=("start", "end")):
            if root is None:
                root = node
            if event != "end" or node.tag != f"{NS}si":
                continue
            if wanted is None:
                strings.append(_string_of(node))
            elif index in wanted:
                picked[index] = _string_of(node)
                if len(picked) == len(wanted):
                    break
            index += 1
            root.clear()  # the parsed <si> would otherwise stay attached to <sst>
    return strings if wanted is None else picked


def _string_of(node) -> str:
    parts = []
    for child in node:
        if child.tag == f"{NS}t":
            parts.append(child.text or "")
        elif child.tag == f"{NS}r":
            for t in child.iter(f"{NS}t"):
                parts.append(t.text or "")
    return "".join(parts).replace("_x005F_", "_")


def date_styles(zf: zipfile.ZipFile) -> list[bool]:
    """For each cell style index: does its number format show a date?"""
    if "xl/styles.xml" not in zf.namelist():
        return []
    custom: dict[int, str] = {}
    flags: list[bool] = []
    in_xfs = False
    with zf.open("xl/styles.xml") as handle:
        for event, node in iterparse(handle, events=("start", "end")):
            if node.tag == f"{NS}numFmt" and event == "end":
                custom[int(node.get("numFmtId", "0"))] = node.get("formatCode", "")
            elif node.tag == f"{NS}cellXfs":
                in_xfs = event == "start"
            elif node.tag == f"{NS}xf" and in_xfs and event == "end":
                fmt_id = int(node.get("numFmtId", "0"))
                code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General")
                flags.append(is_date_format(code))
    return flags


def declared_rows(zf: zipfile.ZipFile, sheet: str) -> int:
    with zf.open(sheet) as handle:
        head = handle.read(4096).decode("utf-8", "replace")
    match = re.search(r'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', head)
    return int(match.group(1)) if match and match.group(1) else 0


def header_string_indices(zf: zipfile.ZipFile, sheet: str, scan_rows: int) -> set[int]:
    """Shared-string indices used by the first `scan_rows` rows (for the header)."""
    wanted: set[int] = set()
    for _number, node in _row_nodes(zf, sheet, keep=True, limit=scan_rows):
        for cell in node.iter(f"{NS}c"):
            v = cell.find(f"{NS}v")
            if cell.get("t") == "s" and v is not None and (v.text or "").isdigit():
                wanted.add(int(v.text))
    return wanted


def _row_nodes(zf: zipfile.ZipFile, sheet: str, *, keep: bool = False, limit: int | None = None):
    """Yield (row number, <row> element); each row is detached from <sheetData> after
    use, so millions of (empty) rows do not pile up in memory."""
    row_tag, data_tag = f"{NS}row", f"{NS}sheetData"
    next_row, seen, parent = 1, 0, None
    with zf.open(sheet) as handle:
        for event, node in iterparse(handle, events=("start", "end")):
            if event == "start":
                if node.tag == data_tag:
                    parent = node
                continue
            if node.tag != row_tag:
                continue
            number = int(node.get("r") or next_row)
            next_row = number + 1
            yield number, node
            seen += 1
            if parent is not None:
                parent.clear()
            if limit is not None and seen >= limit:
                return


def rows(zf: zipfile.ZipFile, sheet: str, date1904: bool, max_columns: int, strings=None):
    """Yield (row number, [values]) in sheet order. `strings`: the shared strings
    (list, or dict of the indices needed); read in full when not given."""
    if strings is None:
        strings = shared_strings(zf)
    dates = date_styles(zf)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    c_tag, v_tag, f_tag, is_tag = (f"{NS}c", f"{NS}v", f"{NS}f", f"{NS}is")
    for number, node in _row_nodes(zf, sheet):
        values: list[Any] = []
        for position, cell in enumerate(node.iter(c_tag)):
            ref = cell.get("r")
            column = position
            if ref and (m := _REF.match(ref)):
                column = _column_index(m.group(1))
            if column >= max_columns:
                break
            values.extend([None] * (column - len(values)))
            values.append(_value(cell, strings, dates, epoch, v_tag, f_tag, is_tag))
        yield number, values


def _value(cell, strings, dates, epoch, v_tag, f_tag, is_tag) -> Any:
    formula = cell.find(f_tag)
    if formula is not None:
        return "=" + (formula.text or "")
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(is_tag)
        return _string_of(inline) if inline is not None else ""
    v = cell.find(v_tag)
    raw = v.text if v is not None else None
    if raw is None:
        return None
    if kind == "s":
        index = int(raw)
        if isinstance(strings, dict):
            return strings.get(index, "")
        return strings[index] if 0 <= index < len(strings) else ""
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    if kind == "d":
        return raw
    number = float(raw)
    style = int(cell.get("s", "0"))
    if style < len(dates) and dates[style]:
        try:
            return from_excel(number, epoch)
        except (ValueError, OverflowError):
            return number
    return int(number) if number.is_integer() else number
