"""Text helpers shared by every module: Vietnamese search folding and NFC."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """Normalise to NFC so the same name typed on two keyboards compares equal."""
    return unicodedata.normalize("NFC", value or "")


def fold(value: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and collapse spaces.

    Stored next to a name so that "nguyen van a" finds "Nguyễn Văn A" with a plain
    indexed LIKE on SQLite and PostgreSQL alike.
    """
    text = unicodedata.normalize("NFD", nfc(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()
