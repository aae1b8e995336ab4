"""Provincial department names after the 2025 restructuring.

Nghị định 45/2025/NĐ-CP ngày 28/02/2025 (Điều 8) lists the departments organised in
every province: Sở Nội vụ, Sở Tư pháp, Sở Tài chính, Sở Công Thương, Sở Nông nghiệp và
Môi trường, Sở Xây dựng, Sở Khoa học và Công nghệ, Sở Văn hóa, Thể thao và Du lịch, Sở
Giáo dục và Đào tạo, Sở Y tế, Thanh tra tỉnh, Văn phòng Ủy ban nhân dân. The merged
departments and where petitions they used to answer now go (their main successor):
transport joined Sở Xây dựng; natural resources and environment joined agriculture;
labour, war invalids and merit (người có công) went to Sở Nội vụ; planning and
investment to Sở Tài chính; information and communications to Sở Khoa học và Công
nghệ. Used by the agency form (a pre-merger name is refused) and by the data migration
petitions 0004 (existing rows renamed or merged)."""

from __future__ import annotations

import re

from lienhe.text import fold

SOURCE = "Nghị định 45/2025/NĐ-CP ngày 28/02/2025"

MERGED_2025 = {
    "Sở Giao thông vận tải": "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường": "Sở Nông nghiệp và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn": "Sở Nông nghiệp và Môi trường",
    "Sở Lao động - Thương binh và Xã hội": "Sở Nội vụ",
    "Sở Kế hoạch và Đầu tư": "Sở Tài chính",
    "Sở Thông tin và Truyền thông": "Sở Khoa học và Công nghệ",
}


def _key(name: str) -> str:
    """Spelling-insensitive key: no diacritics, case, punctuation or spaces, so
    "Sở Lao động – Thương binh và Xã hội" and "Sở Lao động, Thương binh & Xã hội"
    match (and a province suffix like "tỉnh Hà Tĩnh" is kept apart)."""
    return re.sub(r"[^a-z0-9]", "", fold(name).replace("&", "va"))


_BY_KEY = {_key(old): new for old, new in MERGED_2025.items()}


def successor(name: str) -> str | None:
    """Today's department for a pre-merger name ("… tỉnh X" keeps its suffix), or None."""
    key = _key(name)
    for old_key, new in _BY_KEY.items():
        if key == old_key:
            return new
        if key.startswith(old_key + "tinh") or key.startswith(old_key + "thanhpho"):
            # keep the original suffix (" tỉnh Hà Tĩnh")
            words = len(next(o for o in MERGED_2025 if _key(o) == old_key).split())
            return " ".join([new, *name.split()[words:]])
    return None
