"""The periodic report (sơ kết 6 tháng, tổng kết năm): every module's figures for a
subtree and a period, beside the previous period of the same kind.

Modules register their section from `<module>/registry.py` with
`lienhe.registry.register(Section(...))` (`Section` is `PeriodicSection`), the section's
code in `<module>/periodic.py`; `compute(org, start, end)` returns a list of `Figure` in a bounded
number of queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lienhe.orgs.models import Organization


@dataclass
class Figure:
    label: str
    value: float | int | None
    kind: str = "int"  # "int" | "percent" (value is a 0..1 ratio)
    previous: float | int | None = None
    name: str = ""  # the catalogue figure's name (lienhe.reports.figures), if it is one

    @property
    def change(self) -> float | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class PeriodicSection:
    key: str
    title: str
    order: int
    compute: Callable[[Organization, dt.date, dt.date], list[Figure]]


@dataclass
class Period:
    code: str
    label: str
    start: dt.date
    end: dt.date

    def previous(self) -> Period:
        return parse_period(_previous_code(self.code))

    def as_of(self, today: dt.date) -> dt.date:
        """THE as-of rule of every figure (docs/reports.md): a period still running is
        computed as of today, never as of a future date; a closed period as of its
        end."""
        return as_of(self.end, today)

    def running(self, today: dt.date) -> bool:
        return self.start <= today < self.end


@dataclass
class SectionResult:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)


SECTIONS: list[PeriodicSection] = []


def as_of(end: dt.date, today: dt.date) -> dt.date:
    """A running period is read as of today; a closed one as of its end."""
    return min(end, today)


def register_section(section: PeriodicSection) -> None:
    if all(s.key != section.key for s in SECTIONS):
        SECTIONS.append(section)
        SECTIONS.sort(key=lambda s: s.order)


_CODE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]))?$")


def parse_period(code: str) -> Period:
    """'2026' (year), '2026-H1'/'2026-H2' (half year), '2026-Q3' (quarter)."""
    match = _CODE.match(code or "")
    if not match:
        raise ValueError(code)
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return Period(
            code, _("Năm %(y)s") % {"y": year}, dt.date(year, 1, 1), dt.date(year, 12, 31)
        )
    if part[0] == "H":
        first = part == "H1"
        start = dt.date(year, 1 if first else 7, 1)
        end = dt.date(year, 6, 30) if first else dt.date(year, 12, 31)
        label = (_("6 tháng đầu năm %(y)s") if first else _("6 tháng cuối năm %(y)s")) % {"y": year}
        return Period(code, label, start, end)
    quarter = int(part[1])
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    roman = ("I", "II", "III", "IV")[quarter - 1]
    return Period(code, _("Quý %(q)s/%(y)s") % {"q": roman, "y": year}, start, end)


def _previous_code(code: str) -> str:
    match = _CODE.match(code)
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return str(year - 1)
    if part[0] == "H":
        return f"{year}-H1" if part == "H2" else f"{year - 1}-H2"
    quarter = int(part[1])
    return f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4"


def current_period_code(today: dt.date) -> str:
    return f"{today.year}-H1" if today.month <= 6 else str(today.year)


def period_choices(today: dt.date, years: int = 3) -> list[tuple[str, str]]:
    """Human names for the form: "Năm 2026", "6 tháng đầu năm 2026", "Quý III/2026"."""
    out = []
    for year in range(today.year, today.year - years, -1):
        for code in (
            f"{year}",
            f"{year}-H2",
            f"{year}-H1",
            *(f"{year}-Q{q}" for q in (4, 3, 2, 1)),
        ):
            period = parse_period(code)
            if period.start <= today:
                out.append((code, period.label))
    return out


def national_root() -> Organization:
    """The whole country. The tree has no node above the provinces (each province is a
    root), so "national" is the empty path prefix: every section's subtree filter
    (`path__startswith`) then covers all provinces, and its children are the provinces.
    Not saved; used by the national report (`build_report(national_root(), …)`)."""
    return Organization(path="", depth=0, numchild=1, name=_("Toàn quốc"), kind="province")


def build_report(
    org: Organization,
    period: Period,
    progress: Callable[[int, int], None] | None = None,
    *,
    today: dt.date | None = None,
) -> list[SectionResult]:
    """Compute every registered section for the period (as of today while it runs,
    `as_of`) and the previous one."""
    from django.utils import timezone

    today = today or timezone.localdate()
    previous = period.previous()
    results = []
    total = len(SECTIONS)
    for index, section in enumerate(SECTIONS, start=1):
        now = section.compute(org, period.start, period.as_of(today))
        before = section.compute(org, previous.start, previous.end)
        by_label = {f.name or f.label: f.value for f in before}
        for figure in now:
            figure.previous = by_label.get(figure.name or figure.label)
        results.append(SectionResult(section.key, section.title, now))
        if progress:
            progress(index, total)
    return results


def to_json(sections: list[SectionResult]) -> list[dict]:
    return [
        {
            "key": s.key,
            "title": s.title,
            "figures": [
                {
                    "label": f.label,
                    "value": f.value,
                    "kind": f.kind,
                    "previous": f.previous,
                    "name": f.name,
                }
                for f in s.figures
            ],
        }
        for s in sections
    ]


def from_json(data: list[dict]) -> list[SectionResult]:
    return [SectionResult(s["key"], s["title"], [Figure(**f) for f in s["figures"]]) for s in data]
