"""Rebuild the import test files: `.venv/bin/python tests/data/build_import_files.py`.

Good files use organization *names* of the shared test cast (codes are generated)."""

import datetime as dt
import unicodedata
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
HEADERS = [
    "STT",
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Điện thoại",
    "Chi bộ",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Đang công tác",
    "Cơ quan công tác",
    "Địa chỉ",
]
ROWS = [
    [
        1,
        "93000001",
        "Nguyễn Thị Hồng",
        dt.date(1985, 11, 5),
        "Nữ",
        "Kinh",
        "001185000111",
        "0912 000 111",
        "Chi bộ Tổ dân phố 1",
        dt.date(2010, 5, 19),
        dt.date(2011, 5, 19),
        "Có",
        "Trường THCS Lê Lợi",
        "Số 5 ngõ 12, tổ 1",
    ],
    [
        2,
        "93000002",
        "Trần Văn Đức",
        "17/03/1972",
        "Nam",
        "Tày",
        "",
        "0987654321",
        "Chi bộ Tổ dân phố 2",
        "02/09/1998",
        "02/09/1999",
        "",
        "",
        "Số 8, tổ 2",
    ],
    [
        3,
        "93000003",
        "Lê Thị Ánh",
        dt.date(1990, 1, 30),
        "nữ",
        "Kinh",
        "",
        "",
        "chi bo to dan pho 1",
        dt.date(2015, 2, 3),
        "",
        "Không",
        "",
        "",
    ],
]


def good_xlsx():
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ĐẢNG VIÊN ĐẢNG BỘ PHƯỜNG MỘT"])
    ws.merge_cells("A1:N1")  # a merged title above the header is fine
    ws.append([])
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(row)
    wb.save(HERE / "members_good.xlsx")


def to_cp1258(text: str) -> bytes:
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", nfd[0] + "".join(m for m in nfd[1:] if m not in tones))
        out.append((base + "".join(m for m in nfd[1:] if m in tones)).encode("cp1258"))
    return b"".join(out)


def csv_text(delimiter=","):
    def cell(v):
        if isinstance(v, dt.date):
            return v.strftime("%d/%m/%Y")
        v = str(v)
        return f'"{v}"' if delimiter in v else v

    lines = [delimiter.join(HEADERS)]
    lines += [delimiter.join(cell(v) for v in row) for row in ROWS]
    return "\r\n".join(lines) + "\r\n"


def hostile():
    (HERE / "members_good.csv").write_bytes("\ufeff".encode() + csv_text(";").encode())
    (HERE / "members_cp1258.csv").write_bytes(to_cp1258(csv_text(",")))
    (HERE / "not_a_sheet.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    (HERE / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (HERE / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40)

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(ROWS[0])
    row = list(ROWS[1])
    row[3] = "=DATE(1972,3,17)"
    ws.append(row)
    wb.save(HERE / "members_formulas.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(ROWS[0])
    ws.append(ROWS[1])
    ws.append(ROWS[2])
    ws.merge_cells("I3:I4")  # one "Chi bộ" cell merged over two members
    wb.save(HERE / "members_merged.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    bad = list(ROWS[1])
    bad[3] = "31/02/1972"  # a text date that does not exist
    bad[9] = "1998"  # a year only
    ws.append(bad)
    wb.save(HERE / "members_bad_dates.xlsx")


def orgs_xlsx():
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã tổ chức", "Tên tổ chức", "Mã cấp trên", "Loại", "Khối", "Ngày sinh hoạt"])
    ws.append(["XA-MOI", "Đảng bộ xã Mới", "", "Đảng bộ cơ sở", "Nơi cư trú", ""])
    ws.append(["XA-MOI-T1", "Chi bộ thôn Một", "XA-MOI", "Chi bộ", "Nơi cư trú", 5])
    ws.append(["XA-MOI-T2", "Chi bộ thôn Hai", "XA-MOI", "Chi bộ", "Nơi cư trú", 10])
    ws.append(["XA-MOI-T1-TO1", "Tổ đảng xóm Trên", "XA-MOI-T1", "Tổ đảng", "", ""])
    wb.save(HERE / "orgs_good.xlsx")


if __name__ == "__main__":
    good_xlsx()
    hostile()
    orgs_xlsx()
