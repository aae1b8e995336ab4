"""Vietnamese near-duplicate detection without any external service.

Text is folded (no diacritics, lower case), split into syllables, generic petition
phrasing ("đề nghị", "cử tri phản ánh", "xem xét giải quyết"…) is dropped, and two
petitions are compared by the Dice coefficient of their syllable unigrams + adjacent
bigrams. Unigrams make word order irrelevant; bigrams keep compounds ("xuống cấp",
"ô nhiễm") apart from chance overlaps. Works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lienhe.text import fold

THRESHOLD = 0.34

_SYLLABLE = re.compile(r"[a-z0-9]+")

STOP_PHRASES = {
    ("de", "nghi"),
    ("kien", "nghi"),
    ("phan", "anh"),
    ("nhan", "dan"),
    ("cu", "tri"),
    ("xem", "xet"),
    ("giai", "quyet"),
    ("chinh", "quyen"),
    ("cac", "cap"),
    ("co", "quan"),
    ("chuc", "nang"),
    ("ba", "con"),
    ("dia", "phuong"),
    ("kip", "thoi"),
    ("tinh", "trang"),
    ("hien", "nay"),
    ("anh", "huong"),
    ("doi", "song"),
    ("nguoi", "dan"),
    ("quan", "tam"),
    ("dang", "vien"),
    ("chi", "bo"),
    ("de", "xuat"),
    ("khu", "vuc"),
    ("lau", "ngay"),
    ("nhieu", "nam"),
    ("keo", "dai"),
}

STOP_WORDS = {
    "va",
    "cua",
    "cac",
    "nhung",
    "cho",
    "de",
    "o",
    "tai",
    "tren",
    "trong",
    "la",
    "co",
    "khong",
    "duoc",
    "bi",
    "rat",
    "da",
    "dang",
    "se",
    "can",
    "ve",
    "viec",
    "nhieu",
    "mot",
    "so",
    "nay",
    "do",
    "thi",
    "voi",
    "den",
    "tu",
    "theo",
    "con",
    "chua",
    "lam",
    "khi",
    "nhu",
    "sau",
    "truoc",
    "gay",
    "som",
    "nen",
    "vi",
    "ma",
    "hay",
    "hoac",
    "cung",
    "tiep",
    "nua",
    "qua",
    "ra",
    "vao",
    "len",
    "them",
    "nam",
    "thang",
    "ngay",
}


def syllables(text: str) -> list[str]:
    """Folded syllables with stop phrases and stop words removed, in order."""
    words = _SYLLABLE.findall(fold(text))
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and (words[i], words[i + 1]) in STOP_PHRASES:
            i += 2
            continue
        if words[i] not in STOP_WORDS:
            out.append(words[i])
        i += 1
    return out


def signature(text: str) -> str:
    """What is stored on the petition (`tokens`): the kept syllables, in order."""
    return " ".join(syllables(text))


def features(tokens: str | Iterable[str]) -> frozenset[str]:
    words = tokens.split() if isinstance(tokens, str) else list(tokens)
    grams = set(words)
    grams.update(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    return frozenset(grams)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def best_match(
    tokens: str, candidates: Iterable[tuple[int, str]], threshold: float = THRESHOLD
) -> tuple[int | None, float]:
    """(pk, score) of the most similar candidate above `threshold`, else (None, best)."""
    mine = features(tokens)
    best_pk, best = None, 0.0
    for pk, other in candidates:
        score = similarity(mine, features(other))
        if score > best:
            best_pk, best = pk, score
    if best >= threshold:
        return best_pk, best
    return None, best
