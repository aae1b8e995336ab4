"""Party fees: monthly dues from Policy, an append-only payment ledger, member
self-service payment marks, arrears. Amounts are whole đồng (integers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.members.models import Member
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy
from lienhe.prepared import prepared
from lienhe.reports.summaries import add_fee, rebuild_fee_totals
from lienhe.summaries import hooks as summary_hooks

from .models import FeeClaim, FeeDue, FeePayment, FeeProfile
from .services import AwayError, _cell_officers, _member_user, today

BILLABLE = (Member.Status.ACTIVE, Member.Status.EXEMPTED)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], month_start(first)
    while m <= month_start(last):
        out.append(m)
        m = next_month(m)
    return out


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def monthly_amount(group: str, income: int, policy: dict) -> int:
    """Fee for one month. `policy` maps parameter keys to values (effective_policy)."""
    if group == FeeProfile.Group.WAGE:
        return _round_half_up(income * int(policy["fee_rate_wage_permille"]), 1000)
    if group == FeeProfile.Group.PENSION:
        return _round_half_up(income * int(policy["fee_rate_pension_permille"]), 1000)
    if group == FeeProfile.Group.OTHER:
        return int(policy["fee_other_amount"])
    if group == FeeProfile.Group.STUDENT:
        return int(policy["fee_student_amount"])
    if group == FeeProfile.Group.ABROAD:
        return int(policy["fee_abroad_amount"])
    return 0


FEE_KEYS = (
    "fee_rate_wage_permille",
    "fee_rate_pension_permille",
    "fee_other_amount",
    "fee_student_amount",
    "fee_abroad_amount",
)


def fee_policy(org: Organization, on: dt.date) -> dict:
    return {key: effective_policy(org, key, on) for key in FEE_KEYS}


@transaction.atomic
def set_fee_profile(member: Member, *, actor, group: str, income: int = 0) -> FeeProfile:
    if group not in FeeProfile.Group.values:
        raise AwayError(_("Đối tượng đóng đảng phí không hợp lệ."))
    if group in (FeeProfile.Group.WAGE, FeeProfile.Group.PENSION) and income <= 0:
        raise AwayError(_("Hãy nhập thu nhập (tiền lương/lương hưu) hằng tháng để tính 1%/0,5%."))
    if income < 0:
        raise AwayError(_("Thu nhập không được âm."))
    profile, _created = FeeProfile.objects.update_or_create(
        member=member, defaults={"group": group, "income": income}
    )
    log_action(
        member,
        "away.fee.profile_set",
        actor=actor,
        organization_path=member.organization.path,
        data={"group": group, "income": income},
    )
    return profile


def open_month(month: dt.date, org: Organization | None = None) -> int:
    """Fix each billable member's due for `month` (idempotent). Members without a fee
    profile are billed as 'other' members. One policy lookup per cell."""
    month = month_start(month)
    members = Member.objects.filter(status__in=BILLABLE).exclude(fee_dues__month=month)
    if org is not None:
        members = members.in_subtree(org)
    rows = members.values_list("pk", "organization_id", "fee_profile__group", "fee_profile__income")
    policies: dict[int, dict] = {}
    orgs = {}
    batch: list[FeeDue] = []
    created = 0
    for pk, org_id, group, income in rows.iterator(chunk_size=5000):
        if org_id not in policies:
            orgs[org_id] = orgs.get(org_id) or Organization.objects.get(pk=org_id)
            policies[org_id] = fee_policy(orgs[org_id], month)
        amount = monthly_amount(group or FeeProfile.Group.OTHER, income or 0, policies[org_id])
        batch.append(FeeDue(member_id=pk, organization_id=org_id, month=month, amount=amount))
        if len(batch) >= 5000:
            created += len(FeeDue.objects.bulk_create(batch, ignore_conflicts=True))
            batch.clear()
    if batch:
        created += len(FeeDue.objects.bulk_create(batch, ignore_conflicts=True))
    # Keep the periodic report's fee totals exact (lienhe.reports.summaries).
    rebuild_fee_totals(month, org.path if org is not None else "")
    # Fees/supervision reports are cached per subtree ("" = every subtree).
    summary_hooks.paths_changed([org.path if org is not None else ""])
    return created


@transaction.atomic
def record_payment(
    member: Member,
    *,
    actor,
    month: dt.date,
    amount: int,
    method: str,
    paid_on: dt.date | None = None,
    reference: str = "",
    note: str = "",
) -> FeePayment:
    paid_on = paid_on or today()
    if amount <= 0:
        raise AwayError(_("Số tiền phải lớn hơn 0."))
    if method not in (FeePayment.Method.CASH, FeePayment.Method.BANK, FeePayment.Method.ONLINE):
        raise AwayError(_("Hình thức nộp không hợp lệ."))
    if method != FeePayment.Method.CASH and not reference.strip():
        raise AwayError(_("Chuyển khoản cần ghi mã giao dịch để đối chiếu."))
    if paid_on > today():
        raise AwayError(_("Ngày nộp không được ở tương lai."))
    month = month_start(month)
    if month > month_start(today()) + dt.timedelta(days=366):
        raise AwayError(_("Chỉ nộp trước tối đa 12 tháng."))
    payment = FeePayment.objects.create(
        member=member,
        organization=member.organization,
        month=month,
        amount=amount,
        method=method,
        reference=reference.strip(),
        paid_on=paid_on,
        note=note.strip(),
        recorded_by=actor,
    )
    payment.receipt_number = f"{paid_on.year}-{payment.pk:07d}"
    payment.save(update_fields=["receipt_number"])
    add_fee(payment.organization_id, month, paid=amount)  # periodic report summary
    summary_hooks.paths_changed([member.organization.path])  # fees/supervision report cache
    log_action(
        payment,
        "away.fee.paid",
        actor=actor,
        organization_path=member.organization.path,
        data={"member": member.pk, "month": month.isoformat(), "amount": amount},
    )
    return payment


@transaction.atomic
def reverse_payment(payment: FeePayment, *, actor, note: str) -> FeePayment:
    """Corrections never edit or delete: a reversing entry cancels the payment."""
    original = FeePayment.objects.select_for_update().get(pk=payment.pk)
    if original.method == FeePayment.Method.REVERSAL:
        raise AwayError(_("Không đảo được một bút toán điều chỉnh."))
    if FeePayment.objects.filter(reverses=original).exists():
        raise AwayError(_("Khoản này đã được điều chỉnh trước đó."))
    if not note.strip():
        raise AwayError(_("Hãy ghi lý do điều chỉnh."))
    reversal = FeePayment.objects.create(
        member_id=original.member_id,
        organization_id=original.organization_id,
        month=original.month,
        amount=-original.amount,
        method=FeePayment.Method.REVERSAL,
        reference=original.receipt_number,
        paid_on=today(),
        reverses=original,
        note=note.strip(),
        recorded_by=actor,
    )
    add_fee(original.organization_id, original.month, paid=-original.amount)  # report summary
    summary_hooks.paths_changed([original.organization.path])  # fees/supervision report cache
    log_action(
        reversal,
        "away.fee.reversed",
        actor=actor,
        organization_path=original.organization.path,
        data={"reverses": original.pk, "amount": -original.amount},
    )
    return reversal


@transaction.atomic
def claim_payment(
    member: Member,
    *,
    actor,
    month_from: dt.date,
    month_to: dt.date,
    amount: int,
    reference: str,
    paid_on: dt.date,
) -> FeeClaim:
    """The member marks 'I have paid' with the transfer reference; the cell confirms."""
    month_from, month_to = month_start(month_from), month_start(month_to)
    if month_to < month_from:
        raise AwayError(_("Tháng kết thúc phải sau tháng bắt đầu."))
    if len(months_between(month_from, month_to)) > 12:
        raise AwayError(_("Mỗi lần báo nộp tối đa 12 tháng."))
    if amount <= 0:
        raise AwayError(_("Số tiền phải lớn hơn 0."))
    if not reference.strip():
        raise AwayError(_("Hãy ghi mã giao dịch hoặc nội dung chuyển khoản để chi bộ đối chiếu."))
    if paid_on > today():
        raise AwayError(_("Ngày chuyển không được ở tương lai."))
    if FeeClaim.objects.filter(member=member, reference=reference.strip()).exists():
        raise AwayError(_("Mã giao dịch này đã được báo trước đó."))
    _refuse_duplicate_claim(member, month_from, month_to)
    claim = FeeClaim.objects.create(
        member=member,
        organization=member.organization,
        month_from=month_from,
        month_to=month_to,
        amount=amount,
        reference=reference.strip(),
        paid_on=paid_on,
    )
    summary_hooks.changed("fees", [claim.organization_id])  # issue 21
    log_action(
        claim,
        "away.fee.claimed",
        actor=actor,
        organization_path=member.organization.path,
        data={"amount": amount, "reference": claim.reference},
    )
    notify(
        _cell_officers(member.organization),
        kind="away.fee_claim",
        title=_("%(name)s báo đã nộp đảng phí %(amount)s đ")
        % {"name": member.full_name, "amount": f"{amount:,}".replace(",", ".")},
        body=_("Mã giao dịch: %(ref)s") % {"ref": claim.reference},
        url=reverse("away:fee_claims"),
        dedupe_key=f"away.fee_claim.{claim.pk}",
    )
    return claim


def _refuse_duplicate_claim(member: Member, month_from: dt.date, month_to: dt.date) -> None:
    """A second claim for a month already claimed is refused with the earlier claim's
    date: while that claim waits for the cell, or once confirmed and nothing is owed."""
    earlier = (
        FeeClaim.objects.filter(
            member=member,
            status__in=[FeeClaim.Status.PENDING, FeeClaim.Status.CONFIRMED],
            month_from__lte=month_to,
            month_to__gte=month_from,
        )
        .order_by("created_at")
        .first()
    )
    if earlier is None:
        return
    if earlier.status == FeeClaim.Status.CONFIRMED:
        overlap = months_between(
            max(month_from, earlier.month_from), min(month_to, earlier.month_to)
        )
        if any(outstanding_by_month(member, overlap).values()):
            return  # a top-up for a month still owed
    raise AwayError(
        _(
            "Tháng %(month)s đã được báo nộp ngày %(day)s (%(status)s); không báo nộp lại. "
            "Nếu chuyển thêm, hãy nhắn chi bộ."
        )
        % {
            "month": max(month_from, earlier.month_from).strftime("%m/%Y"),
            "day": earlier.paid_on.strftime("%d/%m/%Y"),
            "status": str(earlier.get_status_display()).lower(),
        }
    )


@transaction.atomic
def confirm_claim(claim: FeeClaim, *, actor) -> list[FeePayment]:
    """Split the claimed amount over the months: each month up to what is still owed,
    the remainder on the last month. The ledger total equals the claimed amount."""
    current = FeeClaim.objects.select_for_update().select_related("member").get(pk=claim.pk)
    if current.status != FeeClaim.Status.PENDING:
        raise AwayError(_("Báo nộp này đã được xử lý."))
    months = months_between(current.month_from, current.month_to)
    owed = outstanding_by_month(current.member, months)
    remaining = current.amount
    payments = []
    for i, month in enumerate(months):
        part = remaining if i == len(months) - 1 else min(remaining, owed.get(month, 0))
        if part <= 0:
            continue
        payments.append(
            record_payment(
                current.member,
                actor=actor,
                month=month,
                amount=part,
                method=FeePayment.Method.ONLINE,
                paid_on=current.paid_on,
                reference=current.reference,
                note=_("Đảng viên tự báo nộp, chi bộ đã đối chiếu"),
            )
        )
        remaining -= part
    current.status = FeeClaim.Status.CONFIRMED
    current.save(update_fields=["status"])
    summary_hooks.changed("fees", [current.organization_id])  # issue 21
    log_action(
        current,
        "away.fee.claim_confirmed",
        actor=actor,
        organization_path=current.organization.path,
        data={"payments": [p.pk for p in payments]},
    )
    notify(
        [_member_user(current.member)],
        kind="away.fee_claim",
        title=_("Chi bộ đã xác nhận khoản đảng phí bạn báo nộp"),
        url=reverse("away:my_fees"),
        dedupe_key=f"away.fee_claim.done.{current.pk}",
    )
    return payments


@transaction.atomic
def reject_claim(claim: FeeClaim, *, actor, answer: str) -> FeeClaim:
    current = FeeClaim.objects.select_for_update().select_related("member").get(pk=claim.pk)
    if current.status != FeeClaim.Status.PENDING:
        raise AwayError(_("Báo nộp này đã được xử lý."))
    if not answer.strip():
        raise AwayError(_("Hãy ghi lý do để đảng viên biết."))
    current.status = FeeClaim.Status.REJECTED
    current.answer = answer.strip()
    current.save(update_fields=["status", "answer"])
    summary_hooks.changed("fees", [current.organization_id])  # issue 21
    log_action(
        current,
        "away.fee.claim_rejected",
        actor=actor,
        organization_path=current.organization.path,
        data={"answer": current.answer},
    )
    notify(
        [_member_user(current.member)],
        kind="away.fee_claim",
        title=_("Chi bộ chưa xác nhận khoản đảng phí bạn báo nộp"),
        body=current.answer,
        url=reverse("away:my_fees"),
        dedupe_key=f"away.fee_claim.done.{current.pk}",
    )
    return current


def outstanding_by_month(member: Member, months: Iterable[dt.date]) -> dict[dt.date, int]:
    months = list(months)
    due = dict(
        FeeDue.objects.filter(member=member, month__in=months).values_list("month", "amount")
    )
    paid = dict(
        FeePayment.objects.filter(member=member, month__in=months)
        .values("month")
        .annotate(s=Sum("amount"))
        .values_list("month", "s")
    )
    return {m: max(0, due.get(m, 0) - (paid.get(m) or 0)) for m in months}


@dataclass
class Balance:
    member_id: int
    due: int
    paid: int

    @property
    def arrears(self) -> int:
        return max(0, self.due - self.paid)


def balances(member_ids: Iterable[int], *, until: dt.date) -> dict[int, Balance]:
    """Dues and payments up to and including `until`'s month. One query (the two sums,
    UNION ALL: issue 21, the member dossier)."""
    ids = list(member_ids)
    limit = month_start(until)
    # One member (the dossier): the same sums, compiled once per process.
    rows = _member_sums(ids[0], limit) if len(ids) == 1 else _sums(Q(member_id__in=ids), limit)
    sums = {(mid, is_paid): s for mid, s, is_paid in rows}
    return {i: Balance(i, sums.get((i, False)) or 0, sums.get((i, True)) or 0) for i in ids}


def _sums(members: Q, limit: dt.date) -> QuerySet:
    """(member_id, sum, paid?) of the dues and of the payments of months up to `limit`."""
    due = (
        FeeDue.objects.filter(members, month__lte=limit)
        .values("member_id")
        .annotate(s=Sum("amount"), paid=Value(False))
        .values_list("member_id", "s", "paid")
        .order_by()
    )
    paid = (
        FeePayment.objects.filter(members, month__lte=limit)
        .values("member_id")
        .annotate(s=Sum("amount"), paid=Value(True))
        .values_list("member_id", "s", "paid")
        .order_by()
    )
    return due.union(paid, all=True)


@prepared
def _member_sums(member_id: int, limit: dt.date) -> QuerySet:
    return _sums(Q(member_id=member_id), limit)


def arrears_queryset(orgs, *, until: dt.date, min_months: int = 1):
    """Members of the organizations `orgs` (an Organization queryset) who owe at least `min_months` months' worth,
    annotated with `due_total`, `paid_total`, `arrears`; database-side, paginable."""
    from django.db.models import F, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    limit = month_start(until)
    due_sq = (
        FeeDue.objects.filter(member=OuterRef("pk"), month__lte=limit)
        .values("member")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    paid_sq = (
        FeePayment.objects.filter(member=OuterRef("pk"), month__lte=limit)
        .values("member")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    last_due_sq = FeeDue.objects.filter(member=OuterRef("pk"), month=limit).values("amount")[:1]
    qs = (
        Member.objects.filter(organization__in=orgs.values("pk"))
        .annotate(
            due_total=Coalesce(Subquery(due_sq), Value(0)),
            paid_total=Coalesce(Subquery(paid_sq), Value(0)),
            month_due=Coalesce(Subquery(last_due_sq), Value(0)),
        )
        .annotate(arrears=F("due_total") - F("paid_total"))
        .filter(arrears__gt=0)
    )
    if min_months > 1:
        qs = qs.filter(arrears__gte=F("month_due") * min_months)
    return qs


def arrears_by_organization(org: Organization, *, until: dt.date, min_months: int = 1):
    """How many members of each organization of `org`'s subtree owe at least
    `min_months` months' worth (the rule of `arrears_queryset`), as {org id: n}.

    One grouped query: dues and payments are summed per member once (two grouped
    scans), where `arrears_queryset`'s per-member subqueries ran several times for each
    of a province's 100.000 members (6 s on the 100k demo; issue 21)."""
    from django.db import connection

    limit = month_start(until)
    table = {m: m._meta.db_table for m in (FeeDue, FeePayment, Member, Organization)}
    sql = f"""
        WITH due AS (
            SELECT d.member_id, SUM(d.amount) AS total,
                   SUM(CASE WHEN d.month = %s THEN d.amount ELSE 0 END) AS month_due
            FROM {table[FeeDue]} d
            JOIN {table[Member]} m ON m.id = d.member_id
            JOIN {table[Organization]} o ON o.id = m.organization_id
            WHERE o.path LIKE %s AND d.month <= %s
            GROUP BY d.member_id
        ), paid AS (
            SELECT p.member_id, SUM(p.amount) AS total
            FROM {table[FeePayment]} p
            JOIN {table[Member]} m ON m.id = p.member_id
            JOIN {table[Organization]} o ON o.id = m.organization_id
            WHERE o.path LIKE %s AND p.month <= %s
            GROUP BY p.member_id
        ), owed AS (
            SELECT due.member_id, due.total - COALESCE(paid.total, 0) AS arrears, due.month_due
            FROM due LEFT JOIN paid ON paid.member_id = due.member_id
        )
        SELECT m.organization_id, COUNT(*)
        FROM owed JOIN {table[Member]} m ON m.id = owed.member_id
        WHERE owed.arrears > 0 AND (%s <= 1 OR owed.arrears >= owed.month_due * %s)
        GROUP BY m.organization_id
    """
    prefix = org.path + "%"
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit, prefix, limit, prefix, limit, min_months, min_months])
        return dict(cursor.fetchall())


def cell_report(org: Organization, month: dt.date) -> list[dict]:
    """Per cell in the subtree for one month: members billed, due, collected, members
    with arrears, and the remittance to the higher level. Three grouped queries."""
    month = month_start(month)
    cells = list(
        Organization.objects.in_subtree(org).filter(kind=Organization.Kind.CELL).order_by("path")
    )
    due = {
        r["organization_id"]: r
        for r in FeeDue.objects.filter(organization__path__startswith=org.path, month=month)
        .values("organization_id")
        .annotate(total=Sum("amount"), n=Count("id"))
    }
    collected = dict(
        FeePayment.objects.filter(organization__path__startswith=org.path, month=month)
        .values("organization_id")
        .annotate(s=Sum("amount"))
        .values_list("organization_id", "s")
    )
    rows = []
    for cell in cells:
        d = due.get(cell.pk, {})
        got = collected.get(cell.pk) or 0
        rows.append(
            {
                "cell": cell,
                "billed": d.get("n") or 0,
                "due": d.get("total") or 0,
                "collected": got,
                "missing": max(0, (d.get("total") or 0) - got),
                "remit": remittance(got),
            }
        )
    return rows


def report_totals(org: Organization, month: dt.date, rows: list[dict]) -> dict:
    """Totals of `cell_report` rows for the page, its Excel/CSV and the API; the
    amount collected is the catalogue figure `fees_collected` of the month (as of
    today while the month runs), not a sum of its own (issue 16)."""
    from django.utils import timezone

    from lienhe.reports import figures

    keys = ("billed", "due", "collected", "missing", "remit")
    totals = {k: sum(r[k] for r in rows) for k in keys}
    month = month_start(month)
    on = min(timezone.localdate(), next_month(month) - dt.timedelta(days=1))
    totals["collected"] = figures.read("fees_collected", org, on, start=month)["value"]
    return totals


# Quy định 01-QĐ/TW 2017, mục 3 (phân phối đảng phí): chi bộ trực thuộc đảng ủy cơ sở
# được giữ lại 30% số đảng phí thu được, nộp 70% lên cấp trên.
CELL_RETAIN_PERCENT = 30


def remittance(collected: int) -> int:
    return collected - _round_half_up(collected * CELL_RETAIN_PERCENT, 100)
