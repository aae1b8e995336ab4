"""Import of members and of the organization tree from .xlsx/CSV exported by the
existing party-member software or kept in spreadsheets.

Flow: read the file (`import_files.read_table`), map columns (auto-detected from the
Vietnamese headers, editable), analyse every row into a plan (creates, updates,
unchanged, errors with row and column), and commit the plan all-or-nothing. The
commit re-analyses inside its transaction, so what is written is exactly what the
database allowed at that moment; a single error writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lienhe.audit.services import log_action
from lienhe.documents.exports import FORMULA_START as _NEUTRALISED_START
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks
from lienhe.text import fold, nfc

from . import hooks as member_hooks
from .import_files import ImportFileError, Table, cell_text, read_table
from .models import Member
from .validators import (
    normalize_card_number,
    normalize_phone,
    validate_card_number,
    validate_citizen_id,
    validate_phone,
)

Progress = Callable[[int, str], None]
MAX_STORED_ERRORS = 1000
PREVIEW_ROWS = 25
CHUNK = 2000


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


# --- cell parsers: return a value or raise ValueError(message in Vietnamese) ---

_DATE_TEXT = re.compile(r"(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 80000:  # an Excel serial day number
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        raise ValueError(_("không phải ngày hợp lệ"))
    text = cell_text(value)
    if not text:
        return None
    try:
        if m := _DATE_TEXT.fullmatch(text):
            day, month, year = (int(g) for g in m.groups())
            return dt.date(year, month, day)
        if m := _ISO_DATE.fullmatch(text):
            year, month, day = (int(g) for g in m.groups())
            return dt.date(year, month, day)
        if text.isdigit() and len(text) == 5:  # a serial day number saved as text
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(text))
    except ValueError as exc:
        raise ValueError(
            _("“%(v)s” không phải ngày có thật (ngày/tháng/năm)") % {"v": text}
        ) from exc
    raise ValueError(_("“%(v)s” không đúng dạng ngày/tháng/năm (ví dụ 05/11/1980)") % {"v": text})


def _digits(value: Any, *, pad_to: int | None = None) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_card_number(cell_text(value))
    if pad_to and isinstance(value, int) and len(text) == pad_to - 1:
        text = "0" + text  # a spreadsheet dropped the leading zero of a number
    return text


_GENDER = {"nam": "male", "male": "male", "m": "male", "nu": "female", "female": "female"}
_GENDER.update({"f": "female", "1": "male", "0": "female"})
_YES = {"co", "x", "1", "true", "yes", "c", "dang cong tac", "v", "co cong tac"}
_NO = {"khong", "0", "false", "no", "k", "", "-", "nghi huu", "da nghi huu"}
_STATUS = {fold(str(label)): value for value, label in Member.Status.choices}
_STATUS.update({value: value for value in Member.Status.values})
_STATUS.update({"dang sinh hoat": "active", "mien sinh hoat": "exempted", "tu tran": "deceased"})


def parse_gender(value: Any) -> str | None:
    text = fold(cell_text(value))
    if not text:
        return None
    if text in _GENDER:
        return _GENDER[text]
    raise ValueError(_("“%(v)s” không phải giới tính (ghi Nam hoặc Nữ)") % {"v": cell_text(value)})


def parse_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = fold(cell_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False if text else None
    raise ValueError(_("“%(v)s”: ghi Có hoặc Không") % {"v": cell_text(value)})


def parse_status(value: Any) -> str | None:
    text = fold(cell_text(value))
    if not text:
        return None
    if text in _STATUS:
        return _STATUS[text]
    raise ValueError(
        _("“%(v)s” không phải tình trạng đảng viên (ví dụ: Đang sinh hoạt)")
        % {"v": cell_text(value)}
    )


def _validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@dataclass
class Plan:
    kind: str
    total: int = 0
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any], dict[str, list[str]]]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> dict[str, Any]:
        labels = LABELS[self.kind]
        creates = []
        for row in self.creates[:PREVIEW_ROWS]:
            if self.kind == "members":
                creates.append(
                    {
                        "row": row["_row"],
                        "key": row["card_number"],
                        "name": row["full_name"],
                        "org": row["_org_name"],
                    }
                )
            else:
                creates.append(
                    {"row": row["_row"], "key": row["code"], "name": row["name"], "org": ""}
                )
        updates = [
            {
                "row": fields.get("_row"),
                "key": fields.get("_key"),
                "name": fields.get("_name"),
                "changes": [
                    [labels.get(k, k) if k != "organization" else _("Chi bộ"), *v]
                    for k, v in changes.items()
                ],
            }
            for _pk, fields, changes in self.updates[:PREVIEW_ROWS]
        ]
        return {
            "kind": self.kind,
            "total": self.total,
            "creates": len(self.creates),
            "updates": len(self.updates),
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": self.errors,
            "preview_creates": creates,
            "preview_updates": updates,
        }


def strip_export_prefix(value: Any) -> Any:
    """Undo the exports' formula neutralising (`lienhe.documents.exports.safe_cell`
    writes `'` before text starting with = + - @ tab CR), so export → import is a
    no-op (issue 15, finding 7; docs/import.md). Only that exact prefix is removed."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in _NEUTRALISED_START:
        return value[1:]
    return value


def _row_values(values: list[Any], mapping: dict[int, str]) -> dict[str, Any]:
    return {key: values[i] if i < len(values) else None for i, key in mapping.items()}


def _strip_export_prefixes(raw: dict[str, Any]) -> None:
    """After the formula check (a real formula cell is still refused)."""
    for key, value in raw.items():
        raw[key] = strip_export_prefix(value)


def _formula_cells(raw: dict[str, Any]) -> list[str]:
    return [k for k, v in raw.items() if isinstance(v, str) and v.lstrip().startswith("=")]


# --- members ---


class _OrgIndex:
    def __init__(self, root: Organization):
        self.by_code: dict[str, dict] = {}
        self.by_name: dict[str, list[dict]] = {}
        for org in Organization.objects.in_subtree(root).values(
            "id", "code", "name", "kind", "is_active", "path"
        ):
            self.by_code[org["code"].strip().upper()] = org
            self.by_name.setdefault(fold(org["name"]), []).append(org)
        self.names = {o["id"]: o["name"] for o in self.by_code.values()}

    def resolve(self, code: str, name: str) -> tuple[dict | None, str]:
        if code:
            org = self.by_code.get(code.strip().upper())
            if org is None:
                return None, _("không có tổ chức mã “%(v)s” trong phạm vi nhập") % {"v": code}
        else:
            found = self.by_name.get(fold(name), [])
            if not found:
                return None, _("không có tổ chức tên “%(v)s” trong phạm vi nhập") % {"v": name}
            if len(found) > 1:
                return None, _("có %(n)s tổ chức cùng tên “%(v)s”; hãy thêm cột Mã chi bộ") % {
                    "n": len(found),
                    "v": name,
                }
            org = found[0]
        if org["kind"] not in (Organization.Kind.CELL, Organization.Kind.BASE):
            return None, _("“%(v)s” không phải chi bộ hoặc đảng bộ cơ sở") % {"v": org["name"]}
        if not org["is_active"]:
            return None, _("“%(v)s” đã giải thể hoặc hợp nhất") % {"v": org["name"]}
        return org, ""


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

_MEMBER_VALUES = ("id", "card_number", *_COMPARED, "organization__path", "version")


def _parse_member_row(number: int, raw: dict[str, Any], plan: Plan, orgs: _OrgIndex):
    label = LABELS["members"]
    row: dict[str, Any] = {"_row": number}
    bad = False

    def fail(key: str, message: str) -> None:
        nonlocal bad
        bad = True
        plan.error(number, label.get(key, key), message)

    for key in _formula_cells(raw):
        fail(key, _("ô chứa công thức; hãy dán dạng giá trị (Paste Special → Values)"))
        raw[key] = None
    _strip_export_prefixes(raw)
    card = _digits(raw.get("card_number"))
    if not card:
        fail("card_number", _("thiếu số thẻ đảng viên"))
    else:
        try:
            validate_card_number(card)
        except ValidationError as exc:
            fail("card_number", _validation_message(exc))
    row["card_number"] = card
    if "full_name" in raw:
        name = re.sub(r"\s+", " ", nfc(cell_text(raw["full_name"])))
        if len(name) > 120:
            fail("full_name", _("họ và tên dài quá 120 ký tự"))
        row["full_name"] = name or None
    for key in ("birth_date", "joined_on", "official_on"):
        if key in raw:
            try:
                row[key] = parse_date(raw[key])
            except ValueError as exc:
                fail(key, str(exc))
    if "gender" in raw:
        try:
            row["gender"] = parse_gender(raw["gender"])
        except ValueError as exc:
            fail("gender", str(exc))
    if "citizen_id" in raw:
        cid = _digits(raw["citizen_id"], pad_to=12) or None
        if cid:
            try:
                validate_citizen_id(cid)
            except ValidationError as exc:
                fail("citizen_id", _validation_message(exc))
        row["citizen_id"] = cid
    if "phone" in raw:
        phone = raw["phone"]
        if isinstance(phone, int | float) and not isinstance(phone, bool):
            phone = "0" + _digits(phone) if len(_digits(phone)) == 9 else _digits(phone)
        phone = normalize_phone(cell_text(phone))
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                fail("phone", _validation_message(exc))
        row["phone"] = phone or None
    if "is_working" in raw:
        try:
            row["is_working"] = parse_bool(raw["is_working"])
        except ValueError as exc:
            fail("is_working", str(exc))
    if "status" in raw:
        try:
            row["status"] = parse_status(raw["status"])
        except ValueError as exc:
            fail("status", str(exc))
    for key, limit in (("ethnicity", 40), ("employer", 200), ("home_address", 255), ("email", 254)):
        if key in raw:
            text = nfc(cell_text(raw[key]))
            if len(text) > limit:
                fail(key, _("dài quá %(n)s ký tự") % {"n": limit})
            row[key] = text or None
    if row.get("email"):
        from django.core.validators import validate_email

        try:
            validate_email(row["email"])
        except ValidationError:
            fail("email", _("“%(v)s” không phải địa chỉ thư điện tử") % {"v": row["email"]})
    code = cell_text(raw.get("org_code"))
    org_name = cell_text(raw.get("org_name"))
    if code or org_name:
        org, message = orgs.resolve(code, org_name)
        if org is None:
            fail("org_code" if code else "org_name", message)
        else:
            row["organization_id"] = org["id"]
            row["_org_name"] = org["name"]
    today = timezone.localdate()
    birth, joined, official = row.get("birth_date"), row.get("joined_on"), row.get("official_on")
    if birth and not (dt.date(1900, 1, 1) <= birth <= today):
        fail("birth_date", _("ngày sinh %(d)s không hợp lý") % {"d": birth.strftime("%d/%m/%Y")})
    if joined and joined > today:
        fail("joined_on", _("ngày vào Đảng ở tương lai"))
    if birth and joined and joined <= birth:
        fail("joined_on", _("ngày vào Đảng phải sau ngày sinh"))
    if joined and official and official < joined:
        fail("official_on", _("ngày chính thức phải sau ngày vào Đảng"))
    row["_bad"] = bad
    return row


def analyze_members(
    table: Table,
    mapping: dict[str, str],
    root: Organization,
    *,
    progress: Progress | None = None,
    lock: bool = False,
) -> Plan:
    check_mapping(mapping, "members")
    columns = {int(i): key for i, key in mapping.items() if key}
    label = LABELS["members"]
    plan = Plan("members")
    orgs = _OrgIndex(root)
    rows: list[dict[str, Any]] = []
    seen_cards: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    for number, values in table.rows:
        plan.total += 1
        row = _parse_member_row(number, _row_values(values, columns), plan, orgs)
        if progress and plan.total % CHUNK == 0:
            progress(plan.total, _("Đang đọc và kiểm tra từng dòng"))
        card = row["card_number"]
        if row.pop("_bad"):
            seen_cards.setdefault(card, number)
            continue
        if card in seen_cards:
            plan.error(
                number,
                label["card_number"],
                _("số thẻ %(c)s trùng với dòng %(r)s") % {"c": card, "r": seen_cards[card]},
            )
            continue
        seen_cards[card] = number
        cid = row.get("citizen_id")
        if cid:
            if cid in seen_ids:
                plan.error(
                    number,
                    label["citizen_id"],
                    _("số CCCD %(c)s trùng với dòng %(r)s") % {"c": cid, "r": seen_ids[cid]},
                )
                continue
            seen_ids[cid] = number
        rows.append(row)
    if plan.total == 0:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    if progress:
        progress(plan.total, _("Đang đối chiếu với dữ liệu đã có"))

    existing: dict[str, dict] = {}
    cards = [r["card_number"] for r in rows]
    base = Member.objects.all()
    if lock and connection.features.has_select_for_update:
        base = base.select_for_update()
    for start in range(0, len(cards), CHUNK):
        for m in base.filter(card_number__in=cards[start : start + CHUNK]).values(*_MEMBER_VALUES):
            existing[m["card_number"]] = m
    id_owner: dict[str, str] = {}
    cids = [r["citizen_id"] for r in rows if r.get("citizen_id")]
    for start in range(0, len(cids), CHUNK):
        id_owner.update(
            Member.objects.filter(citizen_id__in=cids[start : start + CHUNK]).values_list(
                "citizen_id", "card_number"
            )
        )

    for row in rows:
        number, card = row["_row"], row["card_number"]
        cid = row.get("citizen_id")
        if cid and id_owner.get(cid, card) != card:
            plan.error(
                number,
                label["citizen_id"],
                _("số CCCD %(c)s đã thuộc một đảng viên khác trong hệ thống") % {"c": cid},
            )
            continue
        current = existing.get(card)
        if current is None:
            missing = [
                label[k]
                for k in ("full_name", "birth_date", "gender", "joined_on")
                if not row.get(k)
            ]
            if "organization_id" not in row:
                missing.append(label["org_name"])
            if missing:
                plan.error(
                    number,
                    missing[0],
                    _("đảng viên mới (số thẻ %(c)s) còn thiếu: %(f)s")
                    % {"c": card, "f": ", ".join(missing)},
                )
                continue
            plan.creates.append(row)
            continue
        if not current["organization__path"].startswith(root.path):
            plan.error(
                number,
                label["card_number"],
                _("số thẻ %(c)s đã có trong hệ thống, thuộc tổ chức ngoài phạm vi bạn nhập")
                % {"c": card},
            )
            continue
        changes: dict[str, list[str]] = {}
        fields: dict[str, Any] = {}
        for key in _COMPARED:
            new = row.get(key)
            if new is None:  # empty cell: keep what is stored
                continue
            old = current[key]
            if old != new:
                fields[key] = new
                if key == "organization_id":
                    changes["organization"] = [orgs.names.get(old, str(old)), row["_org_name"]]
                else:
                    changes[key] = [_show(old), _show(new)]
        if not fields:
            plan.unchanged += 1
            continue
        fields.update(
            {"_row": number, "_key": card, "_name": current["full_name"], "_v": current["version"]}
        )
        plan.updates.append((current["id"], fields, changes))
    return plan


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


_INSERT_COLUMNS = (
    "card_number",
    "search_name",
    *_COMPARED,
    "created_at",
    "updated_at",
    "version",
)
_DATE_COLUMNS = {"birth_date", "joined_on", "official_on"}
_HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _fast_path_fits() -> bool:
    """The raw insert knows the member and history columns; if a later migration adds
    a column, fall back to the ORM's bulk_create_with_history."""
    history = Member.history.model
    member_cols = {f.column for f in Member._meta.concrete_fields if not f.primary_key}
    history_cols = {f.column for f in history._meta.concrete_fields if not f.primary_key}
    expected_history = (set(_INSERT_COLUMNS) - {"search_name", "updated_at"}) | {
        "id",
        "home_unit_id",
        *_HISTORY_EXTRA,
    }
    return member_cols == set(_INSERT_COLUMNS) | {"home_unit_id"} and (
        history_cols == expected_history
    )


def _insert_members_fast(rows: list[dict[str, Any]], *, actor, now) -> None:
    """INSERT with executemany (members, then their history rows): the ORM's per-value
    preparation costs more than the database at 100,000 rows."""
    ops = connection.ops
    quote = ops.quote_name
    stamp = ops.adapt_datetimefield_value(now)
    member_table = quote(Member._meta.db_table)
    history_model = Member.history.model
    history_table = quote(history_model._meta.db_table)
    member_sql = "INSERT INTO {} ({}) VALUES ({})".format(
        member_table,
        ", ".join(quote(c) for c in _INSERT_COLUMNS),
        ", ".join(["%s"] * len(_INSERT_COLUMNS)),
    )
    history_cols = [c for c in _INSERT_COLUMNS if c not in ("search_name", "updated_at")]
    history_sql = "INSERT INTO {} ({}) SELECT {} FROM {} WHERE {} IN ({})"
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            params = []
            for row in chunk:
                name = nfc(row["full_name"]).strip()
                values = {
                    **row,
                    "full_name": name,
                    "search_name": fold(name),
                    "ethnicity": row.get("ethnicity") or "Kinh",
                    "phone": row.get("phone") or "",
                    "email": row.get("email") or "",
                    "home_address": row.get("home_address") or "",
                    "employer": row.get("employer") or "",
                    "status": row.get("status") or Member.Status.ACTIVE,
                    "is_working": bool(row.get("is_working")),
                    "created_at": stamp,
                    "updated_at": stamp,
                    "version": 1,
                }
                params.append(
                    [
                        ops.adapt_datefield_value(values.get(c))
                        if c in _DATE_COLUMNS
                        else values.get(c)
                        for c in _INSERT_COLUMNS
                    ]
                )
            cursor.executemany(member_sql, params)
            # history rows copied from what was just written (one statement per chunk)
            cards = [row["card_number"] for row in chunk]
            select = [quote(c) for c in ("id", *history_cols, "home_unit_id")] + [
                "%s",
                "NULL",
                "'+'",
                "%s",
            ]
            cursor.execute(
                history_sql.format(
                    history_table,
                    ", ".join(
                        quote(c) for c in ("id", *history_cols, "home_unit_id", *_HISTORY_EXTRA)
                    ),
                    ", ".join(select),
                    member_table,
                    quote("card_number"),
                    ", ".join(["%s"] * len(cards)),
                ),
                [stamp, actor_id, *cards],
            )


def _commit_members(plan: Plan, *, actor, progress: Progress | None) -> None:
    now = timezone.now()
    if progress:
        progress(0, _("Đang ghi đảng viên mới"))
    if _fast_path_fits():
        _insert_members_fast(plan.creates, actor=actor, now=now)
    else:
        objs = []
        for row in plan.creates:
            fields = {k: v for k, v in row.items() if not k.startswith("_") and v is not None}
            fields.setdefault("ethnicity", "Kinh")
            member = Member(**fields)
            member.full_name = nfc(member.full_name).strip()
            member.search_name = fold(member.full_name)
            member.created_at = member.updated_at = now
            objs.append(member)
        bulk_create_with_history(objs, Member, batch_size=CHUNK, default_user=actor)
    touched: set[str] = set()
    # Organizations whose summaries the file changes (before and after the rows).
    orgs: set[int] = {_org_id(row) for row in plan.creates}
    updated = []
    old_homes = []  # (home before, member) for the hook of modules following moves
    by_pk = {pk: fields for pk, fields, _c in plan.updates}
    pks = list(by_pk)
    for start in range(0, len(pks), CHUNK):
        for member in Member.objects.filter(pk__in=pks[start : start + CHUNK]):
            fields = by_pk[member.pk]
            orgs.add(member.organization_id)
            old_homes.append((member_hooks.home_of(member), member))
            for key, value in fields.items():
                if key.startswith("_"):
                    continue
                setattr(member, key, value)
                touched.add(key)
            member.search_name = fold(member.full_name)
            member.version = fields["_v"] + 1
            member.updated_at = now
            orgs.add(member.organization_id)
            updated.append(member)
    if updated:
        if progress:
            progress(len(plan.creates), _("Đang cập nhật hồ sơ đã có"))
        bulk_update_with_history(
            updated,
            Member,
            fields=sorted(touched | {"search_name", "version", "updated_at"}),
            batch_size=CHUNK // 2,
            default_user=actor,
        )
        # the same hook the member form calls (bulk writes send no signal)
        member_hooks.home_changed(member_hooks.home_changes(old_homes), actor=actor)
    # Summaries (issue 21): one recount per touched organization, not one per row.
    summary_hooks.members_changed(orgs)


def _org_id(row: dict) -> int | None:
    org = row.get("organization")
    return getattr(org, "pk", None) or row.get("organization_id")


# --- organizations ---

_KINDS = {fold(str(label)): value for value, label in Organization.Kind.choices}
_KINDS.update({value: value for value in Organization.Kind.values})
_KINDS.update(
    {
        "chi bo": "cell",
        "chi bo co so": "base",
        "dang bo co so": "base",
        "dang bo bo phan": "base",
        "to dang": "group",
        "dang bo tinh": "province",
        "dang bo thanh pho": "province",
        "dang bo huyen": "district",
        "dang bo cap huyen": "district",
    }
)
_SIDES = {fold(str(label)): value for value, label in Organization.Side.choices}
_SIDES.update({value: value for value in Organization.Side.values})
_SIDES.update(
    {
        "khu dan cu": "residence",
        "dan cu": "residence",
        "co quan": "workplace",
        "doanh nghiep": "workplace",
        "cong tac": "workplace",
    }
)


def analyze_orgs(
    table: Table,
    mapping: dict[str, str],
    root: Organization,
    *,
    progress: Progress | None = None,
    lock: bool = False,
) -> Plan:
    check_mapping(mapping, "orgs")
    columns = {int(i): key for i, key in mapping.items() if key}
    label = LABELS["orgs"]
    plan = Plan("orgs")
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        plan.total += 1
        raw = _row_values(values, columns)
        bad = False
        for key in _formula_cells(raw):
            plan.error(number, label[key], _("ô chứa công thức; hãy dán dạng giá trị"))
            bad = True
        _strip_export_prefixes(raw)
        code = cell_text(raw.get("code")).upper()
        row: dict[str, Any] = {"_row": number, "code": code}
        if not code or len(code) > 40:
            plan.error(number, label["code"], _("mã tổ chức trống hoặc dài quá 40 ký tự"))
            bad = True
        elif code in seen:
            plan.error(
                number,
                label["code"],
                _("mã %(c)s trùng với dòng %(r)s") % {"c": code, "r": seen[code]},
            )
            bad = True
        seen.setdefault(code, number)
        row["name"] = nfc(cell_text(raw.get("name")))[:200] or None
        row["parent_code"] = cell_text(raw.get("parent_code")).upper() or None
        if "kind" in raw and cell_text(raw["kind"]):
            kind = _KINDS.get(fold(cell_text(raw["kind"])))
            if kind is None:
                plan.error(
                    number,
                    label["kind"],
                    _("“%(v)s” không phải loại tổ chức (Chi bộ, Đảng bộ cơ sở, Tổ đảng…)")
                    % {"v": cell_text(raw["kind"])},
                )
                bad = True
            row["kind"] = kind
        if "side" in raw and cell_text(raw["side"]):
            row["side"] = _SIDES.get(fold(cell_text(raw["side"])), "other")
        if "address" in raw:
            row["address"] = nfc(cell_text(raw["address"]))[:255] or None
        if "meeting_day" in raw and cell_text(raw["meeting_day"]):
            text = cell_text(raw["meeting_day"])
            if not text.isdigit() or not 1 <= int(text) <= 31:
                plan.error(number, label["meeting_day"], _("ngày sinh hoạt phải từ 1 đến 31"))
                bad = True
            else:
                row["meeting_day"] = int(text)
        if not bad:
            rows.append(row)
    if plan.total == 0:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    if progress:
        progress(plan.total, _("Đang đối chiếu với cây tổ chức"))
    codes = [r["code"] for r in rows] + [r["parent_code"] for r in rows if r["parent_code"]]
    existing = {}
    for start in range(0, len(codes), CHUNK):
        for org in Organization.objects.filter(code__in=codes[start : start + CHUNK]):
            existing[org.code.upper()] = org
    in_file = {r["code"]: r for r in rows}
    for row in rows:
        number, code = row["_row"], row["code"]
        current = existing.get(code)
        if current is not None:
            if not current.path.startswith(root.path):
                plan.error(
                    number,
                    label["code"],
                    _("mã %(c)s thuộc tổ chức ngoài phạm vi nhập") % {"c": code},
                )
                continue
            parent = row["parent_code"]
            if parent and current.pk != root.pk:
                actual = current.path[: -Organization.steplen]
                parent_org = existing.get(parent)
                if parent_org is None or parent_org.path != actual:
                    plan.error(
                        number,
                        label["parent_code"],
                        _(
                            "không đổi cấp trên qua nhập tệp; hãy dùng chức năng Chuyển tổ "
                            "chức trên trang cây tổ chức"
                        ),
                    )
                    continue
            fields, changes = {}, {}
            for key in ("name", "kind", "side", "address", "meeting_day"):
                if row.get(key) is not None and getattr(current, key) != row[key]:
                    fields[key] = row[key]
                    changes[key] = [_show(getattr(current, key)), _show(row[key])]
            if fields:
                fields.update({"_row": number, "_key": code, "_name": current.name})
                plan.updates.append((current.pk, fields, changes))
            else:
                plan.unchanged += 1
            continue
        missing = [label[k] for k in ("name", "kind") if not row.get(k)]
        if missing:
            plan.error(
                number,
                missing[0],
                _("tổ chức mới %(c)s còn thiếu: %(f)s") % {"c": code, "f": ", ".join(missing)},
            )
            continue
        parent = row["parent_code"] or root.code.upper()
        if parent not in existing and parent not in in_file and parent != root.code.upper():
            plan.error(
                number,
                label["parent_code"],
                _("không tìm thấy tổ chức cấp trên mã “%(c)s”") % {"c": parent},
            )
            continue
        parent_org = existing.get(parent) or (root if parent == root.code.upper() else None)
        if parent_org is not None and not parent_org.path.startswith(root.path):
            plan.error(
                number, label["parent_code"], _("cấp trên %(c)s ngoài phạm vi nhập") % {"c": parent}
            )
            continue
        parent_kind = parent_org.kind if parent_org else in_file[parent].get("kind")
        if parent_kind == "group" or (parent_kind == "cell" and row["kind"] != "group"):
            plan.error(
                number,
                label["kind"],
                _("dưới chi bộ chỉ có tổ đảng; dưới tổ đảng không có tổ chức nào"),
            )
            continue
        row["parent_code"] = parent
        row["_org_name"] = ""
        plan.creates.append(row)
    # parents created in the same file must themselves be valid creates
    creatable = {r["code"] for r in plan.creates} | set(existing) | {root.code.upper()}
    for row in list(plan.creates):
        if row["parent_code"] not in creatable:
            plan.error(
                row["_row"],
                label["parent_code"],
                _("cấp trên %(c)s có lỗi ở dòng khác") % {"c": row["parent_code"]},
            )
            plan.creates.remove(row)
    return plan


def _commit_orgs(plan: Plan, root: Organization, *, actor, progress: Progress | None) -> None:
    from lienhe.orgs import services as org_services

    by_code: dict[str, Organization] = {
        o.code.upper(): o for o in Organization.objects.in_subtree(root)
    }
    pending = list(plan.creates)
    done = 0
    while pending:
        ready = [r for r in pending if r["parent_code"] in by_code]
        if not ready:
            raise ImportFileError(_("Cây tổ chức trong tệp có vòng lặp cấp trên."))
        for row in ready:
            fields = {
                k: v
                for k, v in row.items()
                if k in ("code", "name", "kind", "side", "address", "meeting_day") and v is not None
            }
            fields["code"] = row["code"]
            org = org_services.create_organization(
                parent=by_code[row["parent_code"]], actor=actor, **fields
            )
            by_code[org.code.upper()] = org
            pending.remove(row)
            done += 1
            if progress and done % 200 == 0:
                progress(done, _("Đang tạo tổ chức"))
    for pk, fields, _changes in plan.updates:
        org = Organization.objects.get(pk=pk)
        values = {k: v for k, v in fields.items() if not k.startswith("_")}
        org_services.update_organization(org, expected_version=org.version, actor=actor, **values)


# --- entry points used by the web task and the CLI ---


def analyze(
    data: bytes,
    filename: str,
    root: Organization,
    *,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    lock: bool = False,
) -> Plan:
    table = open_table(data, filename)
    kind = kind or detect_kind(table.headers)
    if mapping is None:
        mapping = detect_mapping(table.headers, kind)
    analyzer = analyze_members if kind == "members" else analyze_orgs
    return analyzer(table, mapping, root, progress=progress, lock=lock)


class ImportRefused(Exception):
    """The commit found errors; nothing was written. Carries the plan."""

    def __init__(self, plan: Plan):
        super().__init__(
            _("Còn %(n)s lỗi trong tệp; chưa ghi dòng nào. Hãy sửa tệp rồi tải lại.")
            % {"n": plan.error_count}
        )
        self.plan = plan


def commit(
    data: bytes,
    filename: str,
    root: Organization,
    *,
    actor=None,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Analyse again and write everything in one transaction, or nothing."""
    with transaction.atomic():
        plan = analyze(
            data, filename, root, kind=kind, mapping=mapping, progress=progress, lock=True
        )
        if not plan.ok:
            raise ImportRefused(plan)
        if plan.kind == "members":
            _commit_members(plan, actor=actor, progress=progress)
        else:
            _commit_orgs(plan, root, actor=actor, progress=progress)
        log_action(
            root,
            f"{'members' if plan.kind == 'members' else 'orgs'}.import.committed",
            actor=actor,
            organization_path=root.path,
            data={
                "file": filename[:200],
                "rows": plan.total,
                "created": len(plan.creates),
                "updated": len(plan.updates),
                "unchanged": plan.unchanged,
            },
        )
    return plan
