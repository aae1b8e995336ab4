"""Report figures as JSON: the same functions the web report pages call (periodic
report sections, participation, party fees), the same permission (`report_org_for`
with reports:read; the fee report with away:read), nothing recomputed here."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

from django.utils import timezone
from ninja import Router, Schema

from lienhe.access.requests import YEAR_MAX, YEAR_MIN, clamp_year, report_org_for
from lienhe.dbrouter import replica_reads
from lienhe.meetings import report as meetings_report
from lienhe.meetings.selectors import REPORT_KINDS as MEETING_REPORT_KINDS
from lienhe.reports.participation import for_org
from lienhe.reports.periodic import (
    SECTIONS,
    Period,
    SectionResult,
    current_period_code,
    parse_period,
    to_json,
)
from lienhe.reports.services import ReportTooLarge, periodic_figures

from ..errors import READ_ERRORS, ApiError, ErrorOut, not_found
from .common import require_anywhere, validation_error

router = Router(tags=["Báo cáo"])
REPORT_ERRORS = {**READ_ERRORS, 400: ErrorOut, 422: ErrorOut}
Number = int | float | None


class OrgRef(Schema):
    id: int
    name: str


class PeriodOut(Schema):
    code: str | None
    label: str
    start: dt.date
    end: dt.date


class FigureOut(Schema):
    label: str
    value: Number
    kind: str  # "int" | "percent" (a 0..1 ratio)
    previous: Number = None
    name: str | None = None  # catalogue figure (docs/reports.md), e.g. "letters_overdue"


class SectionOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]


class PeriodicOut(Schema):
    organization: OrgRef
    period: PeriodOut
    sections: list[SectionOut]
    computed_at: dt.datetime | None = None


class SectionReportOut(Schema):
    organization: OrgRef
    period: PeriodOut
    section: SectionOut


class ParticipationRow(Schema):
    organization: OrgRef | None
    name: str
    members: int | None = None  # all members of the subtree (workplace view)
    working: int = 0
    exempt: int = 0
    required: int = 0
    active: int = 0
    overdue: int = 0
    # Ratios truncated to two decimals of a percent (docs/reports.md), with the text
    # the page prints: published = active ÷ members; rate = active ÷ required.
    published_rate: float | None = None
    published_rate_text: str | None = None
    rate: float | None = None
    rate_text: str | None = None


class ParticipationOut(Schema):
    organization: OrgRef
    on: dt.date
    view: str  # "workplace" | "residence"
    rows: list[ParticipationRow]
    totals: ParticipationRow


def report_org(user, org: int | None, perm: str = "reports:read", *, kinds=None):
    """The web's report_org_for: `org` (404 outside scope), else the top of the scope;
    403 without `perm` there."""
    if org is not None and not 0 < org < 2**31:
        raise not_found("tổ chức")
    return report_org_for(user, str(org) if org is not None else "", perm, kinds=kinds)


def _ref(org) -> dict:
    return {"id": org.pk, "name": org.name}


def _period(
    period: str | None, year: int | None, start: dt.date | None, end: dt.date | None
) -> Period:
    """`period` (2026, 2026-H1, 2026-Q3), or `year`, or `start`+`end`; default: the
    current period as on the web's periodic page."""
    if start is not None or end is not None:
        if start is None or end is None or end < start or (end - start).days > 3660:
            raise validation_error("end", "Cần cả start và end (start ≤ end, tối đa 10 năm).")
        label = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
        return Period("", label, start, end)
    code = (period or (str(year) if year is not None else "")).strip().upper()
    code = code or current_period_code(timezone.localdate())
    try:
        parsed = parse_period(code)
    except ValueError:
        parsed = None
    if parsed is None or not YEAR_MIN <= parsed.start.year <= YEAR_MAX:
        raise validation_error(
            "period", "Kỳ báo cáo không hợp lệ; nhập dạng 2026, 2026-H1 hoặc 2026-Q3."
        )
    return parsed


def _period_out(p: Period) -> dict:
    return {"code": p.code or None, "label": p.label, "start": p.start, "end": p.end}


@router.get(
    "/reports/periodic",
    response={200: PeriodicOut, **REPORT_ERRORS},
    summary="Báo cáo định kỳ (sơ kết, tổng kết): số liệu mọi phân hệ, so với kỳ trước",
    description=(
        "`period`: 2026 (năm), 2026-H1/H2, 2026-Q1..Q4. Phạm vi lớn (quá "
        "`PERIODIC_INLINE_LIMIT` đảng viên) không tính ngay: trả kết quả lần lập gần nhất "
        "trên web (`computed_at`), chưa có thì 422."
    ),
)
def periodic(request, org: int | None = None, period: str | None = None, year: int | None = None):
    node = report_org(request.user, org)
    chosen = _period(period, year, None, None)
    try:
        sections, computed = periodic_figures(node, chosen)
    except ReportTooLarge:
        raise ApiError(
            422,
            "business_rule",
            "Phạm vi quá lớn để tính ngay; hãy lập báo cáo định kỳ trên web (chạy nền) "
            "rồi gọi lại, hoặc chọn một tổ chức cấp dưới.",
        ) from None
    return {
        "organization": _ref(node),
        "period": _period_out(chosen),
        "sections": sections,
        "computed_at": computed,
    }


@router.get(
    "/reports/participation",
    response={200: ParticipationOut, **REPORT_ERRORS},
    summary="Tỷ lệ đảng viên đang công tác giữ mối liên hệ với nơi cư trú (theo đơn vị)",
    description="Như trang báo cáo trên web: khối nơi cư trú tính theo giấy gửi về.",
)
def participation(request, org: int | None = None, on: dt.date | None = None):
    node = report_org(request.user, org)
    day = on or timezone.localdate()
    result, _columns = for_org(node, day)

    def row(values: dict) -> dict:
        from lienhe.reports.toolkit import percent_text

        keys = (
            "name", "members", "working", "exempt", "required", "active", "overdue",
            "published_rate", "rate",
        )  # fmt: skip
        out = {k: values.get(k) for k in keys if values.get(k) is not None}
        for key in ("published_rate", "rate"):
            if key in out:
                out[f"{key}_text"] = percent_text(out[key])
        out["organization"] = _ref(values["org"]) if values.get("org") else None
        return out

    return {
        "organization": _ref(node),
        "on": day,
        "view": "residence" if node.side == node.Side.RESIDENCE else "workplace",
        "rows": [row(r) for r in result.rows],
        "totals": row(result.totals),
    }


class FrequencyRow(Schema):
    organization: OrgRef
    is_cell: bool
    cells: int
    residence_cells: int
    held: dict[str, int]
    total: int
    below_regular: int
    below_working: int
    never_working: int
    own_expected: int
    own_attended: int
    own_rate: float | None
    working_expected: int
    working_attended: int
    working_rate: float | None
    levels: dict[str, int]


class FrequencyOut(Schema):
    organization: OrgRef
    year: int
    as_of: dt.date
    min_regular: int
    min_working: int
    year_min_regular: int
    year_min_working: int
    absence_limit: int
    absentee_count: int
    rows: list[FrequencyRow]
    totals: FrequencyRow


def _frequency_row(row) -> dict:
    values = {f.name: getattr(row, f.name) for f in fields(row) if f.name != "org"}
    values["organization"] = _ref(row.org)
    values["own_rate"] = meetings_report.rate(row.own_attended, row.own_expected)
    values["working_rate"] = meetings_report.rate(row.working_attended, row.working_expected)
    return values


@router.get(
    "/reports/meetings/frequency",
    response={200: FrequencyOut, **REPORT_ERRORS},
    summary="Số buổi sinh hoạt chi bộ so với mức tối thiểu, tỷ lệ dự, chất lượng (theo năm)",
    description="Như trang báo cáo sinh hoạt chi bộ trên web (`org`, `year`).",
)
def meetings_frequency(request, org: int | None = None, year: int | None = None):
    require_anywhere(request.user, "meetings:read")
    # As the web page: `org` in scope (else 404) or the top of the scope, `year`
    # 2000–2100 or this year.
    node = report_org(request.user, org, "meetings:read", kinds=MEETING_REPORT_KINDS)
    chosen = clamp_year(year)
    with replica_reads():
        report = meetings_report.build(node, chosen, timezone.localdate())
    return {
        "organization": _ref(node),
        "year": report.year,
        "as_of": report.as_of,
        "min_regular": report.min_regular,
        "min_working": report.min_working,
        "year_min_regular": report.year_min_regular,
        "year_min_working": report.year_min_working,
        "absence_limit": report.absence_limit,
        "absentee_count": report.absentee_count,
        "rows": [_frequency_row(r) for r in report.rows],
        "totals": _frequency_row(report.totals),
    }


@router.get(
    "/reports/{module}",
    response={200: SectionReportOut, **REPORT_ERRORS},
    summary="Số liệu báo cáo của một phân hệ cho một kỳ",
    description=(
        "`module`: khóa mục của báo cáo định kỳ (members, liaison, meetings, visits, "
        "reviews, petitions, away). Kỳ: `period` (2026, 2026-H1, 2026-Q3) hoặc `year` "
        "hoặc `start` + `end`. Cùng hàm tính như báo cáo định kỳ trên web."
    ),
)
def module_report(
    request,
    module: str,
    org: int | None = None,
    period: str | None = None,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    section = next((s for s in SECTIONS if s.key == module), None)
    if section is None:
        raise not_found("phân hệ báo cáo")
    node = report_org(request.user, org)
    chosen = _period(period, year, start, end)
    with replica_reads():
        figures = section.compute(node, chosen.start, chosen.end)
    (out,) = to_json([SectionResult(section.key, section.title, figures)])
    return {"organization": _ref(node), "period": _period_out(chosen), "section": out}
