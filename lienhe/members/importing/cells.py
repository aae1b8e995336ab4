"""Cell parsers of the import (a value, or ValueError with a Vietnamese message) and
the row helpers (export prefix, formula cells)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lienhe.documents.exports import FORMULA_START as _NEUTRALISED_START
from lienhe.text import fold

from ..import_files import cell_text
from ..models import Member
from ..validators import (
    normalize_card_number,
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


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
