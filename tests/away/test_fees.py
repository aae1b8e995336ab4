"""Party fee arithmetic, the append-only ledger and reconciliation."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lienhe.away import fees, services
from lienhe.away.models import FeeClaim, FeeDue, FeePayment
from lienhe.orgs.models import Organization, Policy

from .helpers import today

POLICY = {
    "fee_rate_wage_permille": 10,
    "fee_rate_pension_permille": 5,
    "fee_other_amount": 5000,
    "fee_student_amount": 3000,
    "fee_abroad_amount": 50000,
}


def test_monthly_amounts_follow_the_regulation():
    assert fees.monthly_amount("wage", 12_345_678, POLICY) == 123_457  # 1 %, half up
    assert fees.monthly_amount("pension", 6_000_000, POLICY) == 30_000  # 0,5 %
    assert fees.monthly_amount("pension", 5_000_100, POLICY) == 25_001  # 25 000,5 → up
    assert fees.monthly_amount("other", 0, POLICY) == 5000
    assert fees.monthly_amount("waived", 9_000_000, POLICY) == 0


def test_open_month_uses_profiles_and_policy_and_is_idempotent(cast):
    member = cast.members["a1"]
    fees.set_fee_profile(member, actor=None, group="pension", income=4_000_000)
    Policy.objects.create(
        organization=cast.province,
        key="fee_other_amount",
        value=10000,
        effective_from=dt.date(2000, 1, 1),
    )
    month = today().replace(day=1)
    created = fees.open_month(month, cast.commune)
    assert created == 3  # a1, a2, b1
    assert fees.open_month(month, cast.commune) == 0
    assert FeeDue.objects.get(member=member, month=month).amount == 20_000
    assert FeeDue.objects.get(member=cast.members["b1"], month=month).amount == 10_000


def test_wage_profile_needs_an_income(cast):
    with pytest.raises(services.AwayError, match="thu nhập"):
        fees.set_fee_profile(cast.members["a1"], actor=None, group="wage", income=0)


def test_corrections_are_reversing_entries(cast):
    member = cast.members["a1"]
    fees.open_month(today(), cast.commune)
    p = fees.record_payment(member, actor=None, month=today(), amount=5000, method="cash")
    assert p.receipt_number
    r = fees.reverse_payment(p, actor=None, note="Ghi nhầm người")
    assert r.amount == -5000 and r.reverses == p
    assert FeePayment.objects.filter(member=member).count() == 2
    assert fees.balances([member.pk], until=today())[member.pk].arrears == 5000
    with pytest.raises(services.AwayError):
        fees.reverse_payment(p, actor=None, note="lần hai")
    with pytest.raises(services.AwayError):
        fees.reverse_payment(r, actor=None, note="đảo bút toán đảo")


def test_bank_payment_needs_a_reference(cast):
    with pytest.raises(services.AwayError, match="mã giao dịch"):
        fees.record_payment(cast.members["a1"], actor=None, month=today(), amount=1, method="bank")


def test_member_claim_is_split_over_months_when_confirmed(cast):
    member = cast.members["a2"]
    first = (today().replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    for m in fees.months_between(first, today()):
        fees.open_month(m, cast.commune)
    claim = fees.claim_payment(
        member,
        actor=cast.users["secretary_a"],
        month_from=first,
        month_to=today(),
        amount=17000,
        reference="FT26110000123",
        paid_on=today(),
    )
    with pytest.raises(services.AwayError, match="đã được báo"):
        fees.claim_payment(
            member,
            actor=None,
            month_from=first,
            month_to=today(),
            amount=1,
            reference="FT26110000123",
            paid_on=today(),
        )
    payments = fees.confirm_claim(claim, actor=cast.users["secretary_a"])
    assert [p.amount for p in payments] == [5000, 5000, 7000]
    assert sum(p.amount for p in payments) == 17000
    claim.refresh_from_db()
    assert claim.status == FeeClaim.Status.CONFIRMED
    with pytest.raises(services.AwayError):
        fees.confirm_claim(claim, actor=None)


def test_thousands_of_random_payments_reconcile_to_the_dong(cast):
    """Ledger totals, per-member balances, the cell report and the arrears list agree."""
    rng = random.Random(2026)
    members = [cast.members[k] for k in ("a1", "a2", "b1")]
    months = fees.months_between(today().replace(year=today().year - 1), today())
    dues = []
    for m in members:
        for month in months:
            dues.append(
                FeeDue(
                    member=m,
                    organization=m.organization,
                    month=month,
                    amount=rng.randint(1, 99_999),
                )
            )
    FeeDue.objects.bulk_create(dues)
    payments = []
    expected = {m.pk: 0 for m in members}
    expected_by_cell_month: dict = {}
    for i in range(3000):
        m = rng.choice(members)
        month = rng.choice(months)
        amount = rng.randint(1, 60_000)
        payments.append(
            FeePayment(
                member=m,
                organization=m.organization,
                month=month,
                amount=amount,
                method="cash",
                paid_on=today(),
                receipt_number=str(i),
            )
        )
        expected[m.pk] += amount
        key = (m.organization_id, month)
        expected_by_cell_month[key] = expected_by_cell_month.get(key, 0) + amount
    FeePayment.objects.bulk_create(payments)
    # A few reversals through the service.
    for p in rng.sample(list(FeePayment.objects.all()), 50):
        fees.reverse_payment(p, actor=None, note="điều chỉnh")
        expected[p.member_id] -= p.amount
        key = (p.organization_id, p.month)
        expected_by_cell_month[key] -= p.amount
    due_total = {m.pk: sum(d.amount for d in dues if d.member_id == m.pk) for m in members}
    bal = fees.balances([m.pk for m in members], until=today())
    for m in members:
        assert bal[m.pk].paid == expected[m.pk]
        assert bal[m.pk].due == due_total[m.pk]
    for month in months:
        rows = {r["cell"].pk: r for r in fees.cell_report(cast.commune, month)}
        for cell in (cast.cell_a, cast.cell_b):
            assert rows[cell.pk]["collected"] == expected_by_cell_month.get((cell.pk, month), 0)

    arrears = {
        m.pk: m.arrears
        for m in fees.arrears_queryset(Organization.objects.in_subtree(cast.commune), until=today())
    }
    for m in members:
        owed = due_total[m.pk] - expected[m.pk]
        assert arrears.get(m.pk, 0) == (owed if owed > 0 else 0)


def test_remittance_keeps_thirty_percent_at_the_cell():
    assert fees.remittance(100_000) == 70_000
    assert fees.remittance(15) == 10  # 4,5 đ kept rounds half up to 5


def test_second_claim_for_the_same_month_is_refused_with_a_message(cast):
    """Issue 20 item 9: a second claim for 12/2026 was accepted without a warning."""
    member = cast.members["a1"]
    december = dt.date(2026, 12, 1)
    with time_machine.travel(
        dt.datetime(2026, 12, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ):
        fees.open_month(december, cast.commune)
        first = fees.claim_payment(
            member,
            actor=None,
            month_from=december,
            month_to=december,
            amount=5000,
            reference="FT26120001",
            paid_on=dt.date(2026, 12, 15),
        )
        with pytest.raises(
            services.AwayError, match=r"Tháng 12/2026 đã được báo nộp ngày 15/12/2026"
        ):
            fees.claim_payment(
                member,
                actor=None,
                month_from=december,
                month_to=december,
                amount=5000,
                reference="FT26120002",
                paid_on=dt.date(2026, 12, 18),
            )
        # Once the cell rejects the first claim, the member may claim again.
        fees.reject_claim(first, actor=cast.users["secretary_a"], answer="Không thấy giao dịch")
        again = fees.claim_payment(
            member,
            actor=None,
            month_from=december,
            month_to=december,
            amount=5000,
            reference="FT26120003",
            paid_on=dt.date(2026, 12, 18),
        )
        assert again.status == FeeClaim.Status.PENDING
