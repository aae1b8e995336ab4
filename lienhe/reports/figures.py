"""The catalogue of figures (issue 16): each headline figure has ONE definition here —
a name, a Vietnamese label, a function computing it for an organization subtree and
an as-of date, its as-of rule and its source. Pages, home panels, the periodic report,
PDF, Excel, CSV and the API read these figures through `FIGURES` (or the functions
below); a figure computed anywhere else is a bug. Ratios follow the one rounding rule
of `toolkit.truncate_ratio` (truncated to two decimals of a percent).

As-of rule (every figure): a period still running is computed as of today, never as
of a future date; a closed period as of its end (`periodic.as_of`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from lienhe.orgs.models import Organization

from .toolkit import ratio

AS_OF_RULE = _("kỳ đang chạy: tính đến hôm nay; kỳ đã kết thúc: tính đến ngày cuối kỳ")


@dataclass(frozen=True)
class FigureDef:
    name: str
    label: str
    kind: str  # "int" | "percent"
    compute: Callable[[Organization, dt.date], dict]  # → {"value", **raw counts}
    source: str
    definition: str
    as_of_rule: str = AS_OF_RULE
    # A flow figure counts what happened in a period [start, as-of] (default start:
    # 1 January of the as-of date's year); a stock figure is a state on the date.
    period: bool = False
    # False: the figure reads the register as it is now (no history of states), so it
    # has no value for a date before today (the periodic report prints "—").
    history: bool = True


FIGURES: dict[str, FigureDef] = {}


def register(figure: FigureDef) -> FigureDef:
    FIGURES[figure.name] = figure
    return figure


def read(
    name: str,
    org: Organization,
    on: dt.date,
    *,
    start: dt.date | None = None,
    given: dict | None = None,
) -> dict:
    """{"name", "label", "kind", "value", **counts} of one figure as of `on` (never a
    future date: a running period is read as of today); a flow figure counts from
    `start` (default 1 January of `on`'s year). `given`: {figure name: keyword arguments}
    of rows the caller already loaded, which that figure's compute reads instead of
    querying them again when they count exactly what it counts (the compliance page's
    committee rows for `visits_done_vs_required`)."""
    from django.utils import timezone

    figure = FIGURES[name]
    today = timezone.localdate()
    on = min(on, today)
    extra = (given or {}).get(name, {})
    if not figure.history and on < today:
        out = {"value": None}
    elif figure.period:
        out = figure.compute(org, on, start or dt.date(on.year, 1, 1), **extra)
    else:
        out = figure.compute(org, on, **extra)
    return {"name": name, "label": str(figure.label), "kind": figure.kind, **out}


def shown(
    names: list[str],
    org: Organization,
    on: dt.date,
    *,
    start: dt.date | None = None,
    given: dict | None = None,
) -> list[dict]:
    """The catalogue figures an output prints, each with its displayed `text`: module
    report pages and PDFs include `reports/_catalogue_figures.html` (HTML, id
    `fig-<name>`) or `_catalogue_lines.html` (PDF, "label: value") with this list.
    `given`: as in `read`."""
    out = []
    for name in names:
        figure = read(name, org, on, start=start, given=given)
        figure["text"] = value_text(figure)
        out.append(figure)
    return out


def lines(figures: list[dict]) -> list[str]:
    """ "label: value" lines of `shown` figures (PDF notes)."""
    return [f"{f['label']}: {f['text']}" for f in figures]


def value_text(figure: dict) -> str:
    """The displayed digits of a figure read with `read` (the one display rule:
    "98.377", "30,52%", "—" for no value)."""
    from django.utils import formats

    from .toolkit import percent_text

    value = figure["value"]
    if value is None:
        return "—"
    if figure["kind"] == "percent":
        return percent_text(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


# --- members -----------------------------------------------------------------------


def _members(org: Organization, on: dt.date) -> dict:
    from lienhe.members.models import Member

    from .module_sections import in_subtree

    counts = in_subtree(
        Member.objects.filter(status=Member.Status.ACTIVE), "organization__path", org
    ).aggregate(members=Count("id"), working=Count("id", filter=Q(is_working=True)))
    return counts


def members(org: Organization, on: dt.date) -> dict:
    from lienhe.summaries.services import totals  # issue 21: counters, not a scan

    n = totals([org.path], ["members.active"])["members.active"]
    return {"value": n, "members": n}


def working_members(org: Organization, on: dt.date) -> dict:
    from lienhe.summaries.services import totals  # issue 21: counters, not a scan

    c = totals([org.path], ["members.active", "members.active.working"])
    working = c["members.active.working"]
    return {"value": working, "working": working, "members": c["members.active"]}


# --- residence liaison ---------------------------------------------------------------


def letters_overdue(org: Organization, on: dt.date) -> dict:
    """Letters issued, deadline passed and not handed in as of `on`
    (`lienhe.liaison.models.overdue_q`). Workplace/other organizations: letters of
    the working members of the subtree; residence organizations: letters addressed to
    the subtree. The same count on the home panel, the participation report and the
    periodic report on the same day."""
    from lienhe.summaries.services import totals  # issue 21: dated counters

    key = (
        "letters.to_overdue"
        if org.side == Organization.Side.RESIDENCE
        else "letters.overdue_members"
    )
    n = totals([org.path], [key], on)[key]
    return {"value": n, "overdue": n}


def participation_figures(active: int, members_all: int, working: int, exempt: int) -> dict:
    """Both participation figures from raw counts (issue 19):
    - published: working members actively in touch ÷ ALL members of the subtree (the
      province's published figure, seed 000: 30.030 / 98.377 = 30,52%);
    - current: actively in touch ÷ (working members − exempt) (Hướng dẫn 33-HD/BTCTW
      excludes the exempt from those who must keep ties)."""
    required = working - exempt
    return {
        "active": active,
        "members": members_all,
        "working": working,
        "exempt": exempt,
        "required": required,
        "published_rate": ratio(active, members_all),
        "rate": ratio(active, required),
    }


def _participation(org: Organization, on: dt.date) -> dict:
    from .module_sections import participation_totals

    totals = participation_totals(org, on)
    return participation_figures(
        totals.get("active") or 0,
        _members(org, on)["members"],
        totals.get("working") or 0,
        totals.get("exempt") or 0,
    )


def participation_published(org: Organization, on: dt.date) -> dict:
    f = _participation(org, on)
    return {"value": f["published_rate"], **f}


def participation_current(org: Organization, on: dt.date) -> dict:
    f = _participation(org, on)
    return {"value": f["rate"], **f}


register(
    FigureDef(
        "members",
        _("Đảng viên"),
        "int",
        members,
        "Điều lệ Đảng",
        "đảng viên (trạng thái đang sinh hoạt) của các tổ chức trong cây",
        history=False,
    )
)
register(
    FigureDef(
        "working_members",
        _("Đảng viên đang công tác"),
        "int",
        working_members,
        "Quy định 213-QĐ/TW, Điều 1",
        "đảng viên đang sinh hoạt, đang công tác, của các tổ chức trong cây",
        history=False,
    )
)
register(
    FigureDef(
        "letters_overdue",
        _("Giấy giới thiệu quá hạn chưa nộp"),
        "int",
        letters_overdue,
        "Hướng dẫn 33-HD/BTCTW; hạn nộp từ Policy letter_handin_days",
        "giấy đã cấp, quá hạn nộp, chưa nộp tính đến ngày xét (không tính giấy nháp, "
        "miễn, đã đóng)",
    )
)
register(
    FigureDef(
        "participation_published",
        _("Tỷ lệ đảng viên đang công tác giữ mối liên hệ (trên tổng số đảng viên)"),
        "percent",
        participation_published,
        "Số liệu tỉnh công bố (seed 000, Hà Tĩnh: 30.030/98.377 = 30,52%)",
        "đảng viên đang công tác đã nộp giấy, đang sinh hoạt ÷ TẤT CẢ đảng viên của cây",
    )
)
register(
    FigureDef(
        "participation_current",
        _("Tỷ lệ tham gia (trên số phải giữ mối liên hệ)"),
        "percent",
        participation_current,
        "Quy định 213-QĐ/TW; Hướng dẫn 33-HD/BTCTW (trừ người được miễn)",
        "đảng viên đang công tác đã nộp giấy, đang sinh hoạt ÷ (đang công tác − được miễn)",
    )
)


# --- meetings ---------------------------------------------------------------------------


def _meetings(org: Organization, on: dt.date, start: dt.date) -> dict:
    from lienhe.meetings.selectors import held_totals

    return held_totals(org, start, on)


def meetings_working_held(org: Organization, on: dt.date, start: dt.date) -> dict:
    """Held meetings of kind "with working members" planned in [start, on]
    (`meetings.selectors.held_aggregates`, the same count as the frequency report)."""
    t = _meetings(org, on, start)
    return {"value": t["working_members"], "held": t["total"]}


def attendance_rate(org: Organization, on: dt.date, start: dt.date) -> dict:
    """Present (incl. late) ÷ invited at the cells' own held meetings in [start, on]
    (not the meetings with working members, which have their own rate)."""
    t = _meetings(org, on, start)
    return {
        "value": ratio(t["own_attended"], t["own_expected"]),
        "present": t["own_attended"],
        "invited": t["own_expected"],
    }


# --- comments ----------------------------------------------------------------------------


def comments_on_time(org: Organization, on: dt.date, start: dt.date) -> dict:
    """Yearly residence comments of `on`'s year sent by their due date, as of `on`
    (`reviews.selectors.comment_counts`)."""
    from lienhe.reviews.selectors import comment_counts

    c = comment_counts(org, on.year, on)
    return {"value": c["sent_on_time"], **c}


# --- committee visits ----------------------------------------------------------------------


def visits_done_vs_required(org: Organization, on: dt.date, start: dt.date, *, rows=None) -> dict:
    """Visits done by the members of the organization's committee (the term in force on
    `on`) in [start, on], each member counted up to the minimum of his position, ÷ the
    sum of those minimums (`visits.compliance.member_rows`, the compliance page's "chỉ
    tiêu"). No committee at the organization: no figure. `rows`: that committee's
    `member_rows` the caller already has (the compliance page, counted to the end of its
    period with `as_of`): read when they count [start, on] for every active member
    against the minimums of `on`'s year, else read again."""
    from lienhe.visits import compliance
    from lienhe.visits.models import Committee

    committee = org.pk and (
        Committee.objects.filter(organization=org, term_start__lte=on)
        .order_by("-term_start", "pk")
        .first()
    )
    if not committee:  # no committee (or the unsaved national root)
        return {"value": None, "done": None, "required": None}
    if rows is None or not rows.counts(committee, on.year, start, on):
        committee.organization = org  # the organization filtered on: no second read
        rows = compliance.member_rows(committee, on.year, start=start, end=on, today=on)
    done = sum(min(r.done_as_of, r.required) for r in rows)
    required = sum(r.required for r in rows)
    return {"value": ratio(done, required), "done": done, "required": required}


# --- petitions ----------------------------------------------------------------------------


def petitions_on_time(org: Organization, on: dt.date, start: dt.date) -> dict:
    """Of the petitions received in [start, on] and answered by `on`, the share answered
    on time (`petitions.selectors.on_time_counts`)."""
    from lienhe.petitions.selectors import on_time_counts

    c = on_time_counts(org, start, on)
    return {"value": ratio(c["on_time"], c["answered"]), **c}


# --- away members and fees ----------------------------------------------------------------


def away_in_contact(org: Organization, on: dt.date) -> dict:
    """Away members in force on `on` contacted within Policy
    `away_contact_interval_days` (`away.selectors.contact_counts`)."""
    from lienhe.away.selectors import contact_counts

    c = contact_counts(org, on)
    return {"value": c["in_contact"], **c}


def fees_collected(org: Organization, on: dt.date, start: dt.date) -> dict:
    """Party fees paid (đồng) for the months of [start, on], from the per-organization
    monthly totals (`reports.models.FeeMonthTotal`, kept exact with every payment)."""
    from django.db.models import Sum

    from lienhe.away.fees import month_start

    from .models import FeeMonthTotal
    from .module_sections import in_subtree

    fees = in_subtree(
        FeeMonthTotal.objects.filter(month__range=(month_start(start), on)),
        "organization__path",
        org,
    ).aggregate(due=Sum("due", default=0), paid=Sum("paid", default=0))
    return {"value": fees["paid"], **fees, "rate": ratio(fees["paid"], fees["due"])}


for _figure in (
    FigureDef(
        "meetings_working_held",
        _("Buổi sinh hoạt với đảng viên đang công tác đã tổ chức"),
        "int",
        meetings_working_held,
        "Quy định 213-QĐ/TW, Điều 4, Khoản 3 (định kỳ 6 tháng); tối thiểu từ Policy "
        "min_working_member_meetings_per_year",
        "buổi sinh hoạt loại 'với đảng viên đang công tác', trạng thái đã họp (đã chốt "
        "điểm danh), dự kiến trong kỳ, của các chi bộ trong cây",
        period=True,
    ),
    FigureDef(
        "attendance_rate",
        _("Tỷ lệ đảng viên dự sinh hoạt chi bộ"),
        "percent",
        attendance_rate,
        "Điều lệ Đảng, Điều 8; Hướng dẫn 12-HD/BTCTW (sinh hoạt chi bộ)",
        "có mặt (kể cả đến muộn) ÷ được triệu tập, cộng trên các buổi sinh hoạt của chính "
        "chi bộ đã họp trong kỳ (không tính buổi với đảng viên đang công tác); buổi chưa "
        "chốt điểm danh không có tỷ lệ",
        period=True,
    ),
    FigureDef(
        "comments_on_time",
        _("Nhận xét nơi cư trú gửi đúng hạn"),
        "int",
        comments_on_time,
        "Quy định 213-QĐ/TW, Điều 3, Điều 4 (nhận xét hằng năm); hạn từ Policy (mặc định "
        "của Lienhe) hoặc ngày tạo + late_request_days",
        "nhận xét hằng năm của năm xét, đã gửi đến ngày xét, gửi không muộn hơn hạn "
        "(không tính nhận xét đã thay thế)",
        period=True,
    ),
    FigureDef(
        "visits_done_vs_required",
        _("Tỷ lệ lượt cấp ủy viên dự sinh hoạt đạt chỉ tiêu"),
        "percent",
        visits_done_vs_required,
        "Định mức theo vị trí từ Policy visit_quota_* (không có quy định trung ương: mặc "
        "định 0; bộ mẫu tỉnh, ví dụ Quy định 1120-QĐ/TU Sơn La)",
        "lượt đã dự trong kỳ của từng cấp ủy viên (tính tối đa đến định mức của vị trí) ÷ "
        "tổng định mức của cấp ủy tại tổ chức (nhiệm kỳ đang hiệu lực)",
        period=True,
    ),
    FigureDef(
        "petitions_on_time",
        _("Tỷ lệ kiến nghị trả lời đúng hạn"),
        "percent",
        petitions_on_time,
        "Quy định 213-QĐ/TW, Điều 4; hạn trả lời từ Policy petition_answer_days (Luật "
        "Tiếp công dân 2013, Nghị định 64/2014: 15 ngày)",
        "kiến nghị tiếp nhận trong kỳ (không tính đã tách, đã gộp), đã trả lời đến ngày "
        "xét: trả lời đúng hạn ÷ đã trả lời",
        period=True,
    ),
    FigureDef(
        "away_in_contact",
        _("Đảng viên đi làm ăn xa giữ liên lạc"),
        "int",
        away_in_contact,
        "Quy định 24-QĐ/TW; khoảng liên lạc từ Policy away_contact_interval_days (Hướng dẫn "
        "Huyện ủy Sông Lô, seed 004: 90 ngày)",
        "đảng viên đang đi làm ăn xa (đã duyệt, đã đi, chưa về) tại ngày xét, trừ người "
        "chưa liên lạc quá khoảng liên lạc",
    ),
    FigureDef(
        "fees_collected",
        _("Đảng phí đã nộp (đồng)"),
        "int",
        fees_collected,
        "Quy định 01-QĐ/TW năm 2017 về chế độ đảng phí",
        "tổng số đảng phí đã nộp cho các tháng trong kỳ (tính đến tháng của ngày xét) của "
        "các tổ chức trong cây",
        period=True,
    ),
):
    register(_figure)


# --- the documentation table (docs/reports.md) ----------------------------------------

DOCS_START = "<!-- figures-table:start (generated: python manage.py shell -c 'from lienhe.reports.figures import docs_table; print(docs_table())') -->"
DOCS_END = "<!-- figures-table:end -->"
ROUNDING = {
    "percent": "tỷ lệ 0..1 cắt (không làm tròn) đến hai chữ số thập phân của phần trăm: "
    "30.030/98.377 → 30,52%",
    "int": "số nguyên, nhóm nghìn bằng dấu chấm: 98.377",
}


def _as_of(figure: FigureDef) -> str:
    if not figure.history:
        return "sổ hiện tại: có giá trị cho hôm nay, “—” cho ngày đã qua"
    if figure.period:
        return f"từ đầu kỳ (mặc định 1/1) đến ngày xét; {figure.as_of_rule}"
    return f"trạng thái tại ngày xét; {figure.as_of_rule}"


def docs_table() -> str:
    """The catalogue as the Markdown table of docs/reports.md (a test keeps them equal)."""
    lines = [
        "| figure | nhãn | định nghĩa | tính đến (as-of) | làm tròn | nguồn |",
        "|---|---|---|---|---|---|",
    ]
    for f in FIGURES.values():
        cells = [f"`{f.name}`", str(f.label), f.definition, _as_of(f), ROUNDING[f.kind], f.source]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)
