"""The fee summary read by the periodic report equals the plain aggregate over
FeeDue/FeePayment after every service write, and the rebuild command restores it."""

import datetime as dt

from django.core.management import call_command
from django.db.models import Sum

from lienhe.away import fees
from lienhe.away.models import FeeDue, FeePayment
from lienhe.reports.models import FeeMonthTotal
from lienhe.reports.periodic import build_report, parse_period
from lienhe.reports.summaries import rebuild_fee_totals
from tests.away.helpers import today


def plain(org, start, end) -> tuple:
    due = FeeDue.objects.filter(
        organization__path__startswith=org.path, month__range=(start, end)
    ).aggregate(s=Sum("amount"))["s"]
    paid = FeePayment.objects.filter(
        organization__path__startswith=org.path, month__range=(start, end)
    ).aggregate(s=Sum("amount"))["s"]
    return due, paid


def summary(org, start, end) -> tuple:
    totals = FeeMonthTotal.objects.filter(
        organization__path__startswith=org.path, month__range=(start, end)
    ).aggregate(due=Sum("due"), paid=Sum("paid"))
    return totals["due"], totals["paid"]


def by_org_month() -> set:
    return set(FeeMonthTotal.objects.values_list("organization_id", "month", "due", "paid"))


def test_summary_follows_open_month_payments_and_reversals(cast):
    month = today().replace(day=1)
    span = (month, month + dt.timedelta(days=27))
    fees.open_month(month, cast.commune)
    assert summary(cast.province, *span)[0] == plain(cast.province, *span)[0] > 0
    a1, b1 = cast.members["a1"], cast.members["b1"]
    p = fees.record_payment(a1, actor=None, month=month, amount=5000, method="cash")
    fees.record_payment(b1, actor=None, month=month, amount=7000, method="cash")
    fees.record_payment(a1, actor=None, month=month, amount=2000, method="cash")
    assert summary(cast.province, *span) == plain(cast.province, *span)
    assert summary(cast.cell_a, *span) == plain(cast.cell_a, *span)
    fees.reverse_payment(p, actor=None, note="Ghi nhầm người")
    assert summary(cast.province, *span) == plain(cast.province, *span)
    assert summary(cast.cell_a, *span)[1] == 2000
    # A second open_month of the whole tree keeps the totals exact (no double count).
    fees.open_month(month)
    assert summary(cast.province, *span) == plain(cast.province, *span)
    kept = by_org_month()
    FeeMonthTotal.objects.all().delete()
    call_command("rebuild_report_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert by_org_month() == kept


def test_periodic_report_fee_figures_equal_the_plain_sums(cast):
    month = today().replace(day=1)
    fees.open_month(month)
    fees.record_payment(cast.members["a1"], actor=None, month=month, amount=9000, method="cash")
    period = parse_period(str(month.year))
    away = next(s for s in build_report(cast.province, period) if s.key == "away")
    figures = {f.label: f.value for f in away.figures}
    due, paid = plain(cast.province, period.start, period.end)
    assert (figures["Đảng phí phải nộp (đồng)"], figures["Đảng phí đã nộp (đồng)"]) == (due, paid)


def test_rebuild_of_one_month_leaves_other_months(cast):
    month = today().replace(day=1)
    earlier = (month - dt.timedelta(days=1)).replace(day=1)
    fees.open_month(earlier)
    fees.open_month(month)
    before = by_org_month()
    rebuild_fee_totals(month, cast.commune.path)
    assert by_org_month() == before
