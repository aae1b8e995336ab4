"""Import columns: the known columns with their Vietnamese aliases, header detection
and mapping checks, opening the table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lienhe.text import fold

from ..import_files import ImportFileError, Table, read_table


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...]


MEMBER_COLUMNS: tuple[Column, ...] = (
    Column(
        "card_number",
        "Số thẻ đảng viên",
        ("so the dang vien", "so the", "so the dv", "so the dang", "ma the dang vien"),
    ),
    Column("full_name", "Họ và tên", ("ho va ten", "ho ten", "ho va ten dang vien", "ten")),
    Column("birth_date", "Ngày sinh", ("ngay sinh", "ngay thang nam sinh", "sinh ngay")),
    Column("gender", "Giới tính", ("gioi tinh", "gioi", "nam/nu")),
    Column("ethnicity", "Dân tộc", ("dan toc",)),
    Column(
        "citizen_id",
        "Số CCCD",
        (
            "so cccd",
            "cccd",
            "so can cuoc",
            "so can cuoc cong dan",
            "so dinh danh",
            "so dinh danh ca nhan",
            "so cmnd/cccd",
            "cmnd/cccd",
        ),
    ),
    Column("phone", "Điện thoại", ("dien thoai", "so dien thoai", "sdt", "so dt", "di dong")),
    Column("email", "Thư điện tử", ("email", "e-mail", "thu dien tu")),
    Column(
        "org_code",
        "Mã chi bộ",
        ("ma chi bo", "ma to chuc", "ma chi bo sinh hoat", "ma don vi", "ma to chuc dang"),
    ),
    Column(
        "org_name",
        "Chi bộ",
        ("chi bo", "chi bo sinh hoat", "ten chi bo", "to chuc dang", "chi bo/dang bo", "don vi"),
    ),
    Column(
        "joined_on",
        "Ngày vào Đảng",
        ("ngay vao dang", "ngay ket nap", "ngay ket nap dang", "ngay vao dang du bi"),
    ),
    Column(
        "official_on",
        "Ngày chính thức",
        ("ngay chinh thuc", "ngay cong nhan chinh thuc", "ngay vao dang chinh thuc"),
    ),
    Column(
        "is_working",
        "Đang công tác",
        ("dang cong tac", "dang vien dang cong tac", "con cong tac", "dv dang cong tac"),
    ),
    Column(
        "employer",
        "Cơ quan công tác",
        ("co quan cong tac", "co quan, don vi cong tac", "noi cong tac", "don vi cong tac"),
    ),
    Column(
        "home_address",
        "Địa chỉ",
        ("dia chi", "dia chi noi cu tru", "noi o hien nay", "dia chi thuong tru", "noi cu tru"),
    ),
    Column("status", "Tình trạng", ("tinh trang", "trang thai", "tinh trang sinh hoat")),
)

ORG_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã tổ chức", ("ma to chuc", "ma", "ma to chuc dang", "ma don vi")),
    Column("name", "Tên tổ chức", ("ten to chuc", "ten", "ten to chuc dang", "ten don vi")),
    Column(
        "parent_code",
        "Mã cấp trên",
        ("ma cap tren", "ma to chuc cap tren", "ma don vi cap tren", "truc thuoc (ma)"),
    ),
    Column("kind", "Loại", ("loai", "loai to chuc", "cap")),
    Column("side", "Khối", ("khoi", "loai hinh")),
    Column("address", "Địa chỉ", ("dia chi",)),
    Column("meeting_day", "Ngày sinh hoạt", ("ngay sinh hoat", "ngay sinh hoat dinh ky")),
)

COLUMNS = {"members": MEMBER_COLUMNS, "orgs": ORG_COLUMNS}
KIND_LABELS = {"members": "danh sách đảng viên", "orgs": "cây tổ chức đảng"}
LABELS = {kind: {c.key: c.label for c in cols} for kind, cols in COLUMNS.items()}


def normalize_header(value: str) -> str:
    text = fold(value).replace("*", " ").replace(":", " ")
    text = re.sub(r"\s*\((?:dd|ngay|\d).*?\)\s*", " ", text)  # "(dd/mm/yyyy)"
    return re.sub(r"\s+", " ", text).strip(" .")


def detect_mapping(headers: list[str], kind: str) -> dict[str, str]:
    """{column index (as str): field key} from the header texts."""
    columns = COLUMNS[kind]
    mapping: dict[str, str] = {}
    used: set[str] = set()
    normalized = [normalize_header(h) for h in headers]
    for exact in (True, False):
        for index, header in enumerate(normalized):
            if not header or str(index) in mapping:
                continue
            for column in columns:
                if column.key in used:
                    continue
                hit = header in column.aliases
                if not exact and not hit:
                    hit = any(len(a) >= 6 and a in header for a in column.aliases)
                if hit:
                    mapping[str(index)] = column.key
                    used.add(column.key)
                    break
    return mapping


def header_score(headers: list[str]) -> int:
    return max(len(detect_mapping(headers, kind)) for kind in COLUMNS)


def detect_kind(headers: list[str]) -> str:
    keys = set(detect_mapping(headers, "members").values())
    if "card_number" in keys:
        return "members"
    org_keys = set(detect_mapping(headers, "orgs").values())
    if {"code", "parent_code"} <= org_keys or {"code", "kind"} <= org_keys:
        return "orgs"
    return "members"


def open_table(data: bytes, filename: str, *, header_only: bool = False) -> Table:
    return read_table(data, filename, header_score, header_only=header_only)


def check_mapping(mapping: dict[str, str], kind: str) -> None:
    keys = list(mapping.values())
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        raise ImportFileError(
            _("Mỗi trường chỉ gán cho một cột; trường bị gán nhiều lần: %(f)s.")
            % {"f": ", ".join(LABELS[kind][k] for k in sorted(duplicated))}
        )
    required = ["card_number"] if kind == "members" else ["code"]
    missing = [LABELS[kind][k] for k in required if k not in keys]
    if kind == "members" and not {"org_code", "org_name"} & set(keys):
        missing.append(_("Chi bộ hoặc Mã chi bộ"))
    if missing:
        raise ImportFileError(
            _("Chưa có cột bắt buộc: %(cols)s. Hãy chọn cột tương ứng trong bảng ghép cột.")
            % {"cols": ", ".join(missing)}
        )


# The fields an import row sets; compared with the stored member to detect updates.
_COMPARED = (
    "full_name",
    "birth_date",
    "gender",
    "ethnicity",
    "citizen_id",
    "phone",
    "email",
    "home_address",
    "joined_on",
    "official_on",
    "status",
    "organization_id",
    "is_working",
    "employer",
)
