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


FIGURES: dict[str, FigureDef] = {}


def register(figure: FigureDef) -> FigureDef:
    FIGURES[figure.name] = figure
    return figure


def read(name: str, org: Organization, on: dt.date) -> dict:
    """{"name", "label", "kind", "value", **counts} of one figure."""
    figure = FIGURES[name]
    out = figure.compute(org, on)
    return {"name": name, "label": str(figure.label), "kind": figure.kind, **out}


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
