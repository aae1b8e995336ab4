"""Text helpers shared by every module: Vietnamese search folding and NFC."""

import re
import unicodedata

from django.utils.encoding import force_str

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """Normalise to NFC so the same name typed on two keyboards compares equal."""
    return unicodedata.normalize("NFC", value or "")


def choice_labels(choices) -> dict[str, str]:
    """{value: label} of a field's choices in the active language, translated once:
    a page's rows read their labels from it (`get_FOO_display` rebuilds the translated
    choices on every call, a measurable share of a 50-row list; issue 21)."""
    # force_str keeps a non-text label (a number) as it is, as Django's display does.
    return {value: force_str(label, strings_only=True) for value, label in choices}


def fold(value: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and collapse spaces.

    Stored next to a name so that "nguyen van a" finds "Nguyễn Văn A" with a plain
    indexed LIKE on SQLite and PostgreSQL alike.
    """
    text = unicodedata.normalize("NFD", nfc(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()


# Vietnamese alphabetical order: ă, â after a; đ after d; ê after e; ô, ơ after o; ư
# after u (f, j, w, z kept in their Latin place for foreign names). Tones only break
# ties, in the order ngang, huyền, hỏi, ngã, sắc, nặng.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(value: str) -> tuple:
    """Key for sorting names the Vietnamese way ("Đà Nẵng" after "Dak Lak", "Hà Nội"
    before "Huế"), the same on SQLite and PostgreSQL: sort short lists in Python."""
    letters: list[int] = []
    tones: list[int] = []
    for ch in nfc(value).lower():
        decomposed = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in decomposed if c not in _TONES)
        letter = unicodedata.normalize("NFC", base)
        tone = next((_TONES[c] for c in decomposed if c in _TONES), 0)
        if letter in _LETTER_RANK:
            letters.append(100 + _LETTER_RANK[letter])
        elif letter.isdigit():
            letters.append(10 + int(letter) if letter.isascii() else 99)
        elif letter.isspace():
            letters.append(1)
        else:
            letters.append(2 if not letter.isalnum() else 200 + ord(letter[0]))
        tones.append(tone)
    return (tuple(letters), tuple(tones), value)


_DIVISION_PREFIX = re.compile(r"^(tỉnh|thành phố|xã|phường|đặc khu)\s+", re.IGNORECASE)


def unit_sort_key(name: str) -> tuple:
    """Administrative units sort by their proper name ("Thành phố Hà Nội" among the H)."""
    return sort_key(_DIVISION_PREFIX.sub("", nfc(name)))


def order_model_choices(field, key=unit_sort_key) -> None:
    """Show a short ModelChoiceField list in Vietnamese order (validation still uses
    the field's queryset)."""
    items = sorted(field.queryset, key=lambda obj: key(str(obj)))
    blank = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = blank + [(obj.pk, field.label_from_instance(obj)) for obj in items]


# Vietnamese order inside the database, the same on both engines: PostgreSQL's ICU
# collation "vi-x-icu" (created by initdb when PostgreSQL is built with ICU, as Debian's
# is), and on SQLite a collation of that name computed with `sort_key` (registered for
# every connection by `register_sqlite_collation`). Use `.order_by(vi_order("name"))`.
VI_COLLATION = "vi-x-icu"


def vi_order(field: str, descending: bool = False):
    from django.db.models import F
    from django.db.models.functions import Collate

    expression = Collate(F(field), VI_COLLATION)
    return expression.desc() if descending else expression.asc()


def _sqlite_vi_compare(a: str, b: str) -> int:
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: teach SQLite the "vi-x-icu" collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VI_COLLATION, _sqlite_vi_compare)
