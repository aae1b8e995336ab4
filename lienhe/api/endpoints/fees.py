"""Party fees (read): dues and the payment ledger in scope (the models' own
`visible_to`: away:read subtrees plus one's own rows), one member's ledger as on the
web's fee page, and the monthly fee report per cell (lienhe.away.fees.cell_report)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.orm import create_schema

from lienhe.access.requests import report_org_for
from lienhe.access.scoping import has_org_permission
from lienhe.away import fees
from lienhe.away.models import FeeDue, FeePayment, FeeProfile
from lienhe.away.selectors import REPORT_KINDS
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from ..errors import LIST_ERRORS, READ_ERRORS, ErrorOut, not_found
from ..pagination import paginate
from .common import get_visible, require_anywhere, validation_error

router = Router(tags=["Đảng phí"])

FeeDueOut = create_schema(FeeDue, name="FeeDueOut")
FeePaymentOut = create_schema(FeePayment, name="FeePaymentOut")


class FeeDuePage(Schema):
    items: list[FeeDueOut]  # type: ignore[valid-type]
    next_cursor: str | None


class FeePaymentPage(Schema):
    items: list[FeePaymentOut]  # type: ignore[valid-type]
    next_cursor: str | None


class FeeFilter(Schema):
    cursor: str | None = None
    limit: int = 50
    org: int | None = None
    member: int | None = None
    month: str | None = None  # YYYY-MM


class FeeProfileOut(Schema):
    group: str
    group_label: str
    income: int


class LedgerOut(Schema):
    member: int
    due: int
    paid: int
    arrears: int
    profile: FeeProfileOut | None
    dues: list[FeeDueOut]  # type: ignore[valid-type]
    payments: list[FeePaymentOut]  # type: ignore[valid-type]


class CellFeeRow(Schema):
    cell: int
    cell_name: str
    billed: int
    due: int
    collected: int
    missing: int
    remit: int


class FeeReportOut(Schema):
    organization: int
    organization_name: str
    month: dt.date
    rows: list[CellFeeRow]
    totals: dict[str, int]


def _month(value: str | None, field: str = "month") -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        raise validation_error(field, "Tháng không hợp lệ; nhập dạng YYYY-MM.") from None


def _filtered(request, model, filters: FeeFilter):
    require_anywhere(request.user, "away:read")
    qs = model.objects.visible_to(request.user)
    if filters.org is not None:
        node = get_visible(Organization.objects.visible_to(request.user), filters.org, "tổ chức")
        qs = qs.in_subtree(node)
    if filters.member is not None:
        qs = qs.filter(member_id=filters.member if 0 < filters.member < 2**62 else 0)
    month = _month(filters.month)
    if month is not None:
        qs = qs.filter(month=month)
    rows, next_cursor = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": rows, "next_cursor": next_cursor}


def _list(path: str, model, page, summary: str) -> None:
    def view(request, filters: Query[FeeFilter]):
        return _filtered(request, model, filters)

    view.__name__ = f"list_{path}"
    router.get(
        f"/fees/{path}", response={200: page, **LIST_ERRORS, 422: ErrorOut}, summary=summary
    )(view)


_list("dues", FeeDue, FeeDuePage, "Đảng phí phải đóng theo tháng (lọc org, member, month=YYYY-MM)")
_list(
    "payments",
    FeePayment,
    FeePaymentPage,
    "Sổ thu đảng phí (chỉ ghi thêm; điều chỉnh là bút toán âm)",
)


@router.get(
    "/members/{member_id}/fees",
    response={200: LedgerOut, **READ_ERRORS},
    summary="Đảng phí của một đảng viên: số phải đóng, đã đóng, còn nợ",
)
def member_ledger(request, member_id: int):
    member = get_visible(
        Member.objects.visible_to(request.user).select_related("organization"),
        member_id,
        "đảng viên",
    )
    # As the web's fee page: the cell's away:read, or the member themself.
    if not (
        has_org_permission(request.user, member.organization, "away:read")
        or request.user.member_id == member.pk
    ):
        raise not_found("đảng viên")
    balance = fees.balances([member.pk], until=timezone.localdate())[member.pk]
    profile = FeeProfile.objects.filter(member=member).first()
    return {
        "member": member.pk,
        "due": balance.due,
        "paid": balance.paid,
        "arrears": balance.arrears,
        "profile": {
            "group": profile.group,
            "group_label": str(profile.get_group_display()),
            "income": profile.income,
        }
        if profile
        else None,
        "dues": list(FeeDue.objects.filter(member=member).order_by("-month")[:24]),
        "payments": list(FeePayment.objects.filter(member=member).order_by("-paid_on", "-id")[:60]),
    }


@router.get(
    "/reports/fees",
    response={200: FeeReportOut, **LIST_ERRORS, 422: ErrorOut},
    summary="Báo cáo thu đảng phí một tháng theo chi bộ (như trang Đảng phí trên web)",
)
def fee_report(request, org: int | None = None, month: str | None = None):
    require_anywhere(request.user, "away:read")
    if org is not None and not 0 < org < 2**31:
        raise not_found("tổ chức")
    # As the web's fee report: `org` in scope (else 404), or the top of the scope.
    node = report_org_for(
        request.user, str(org) if org is not None else "", "away:read", kinds=REPORT_KINDS
    )
    chosen = _month(month) or fees.month_start(timezone.localdate())
    rows = fees.cell_report(node, chosen)
    keys = ("billed", "due", "collected", "missing", "remit")
    return {
        "organization": node.pk,
        "organization_name": node.name,
        "month": chosen,
        "rows": [
            {"cell": r["cell"].pk, "cell_name": r["cell"].name, **{k: r[k] for k in keys}}
            for r in rows
        ],
        "totals": fees.report_totals(node, chosen, rows),
    }
