"""Supervision figures, exemption effect on attendance duty, the fee-month job."""

import datetime as dt

from lienhe.away import fees, jobs, services
from lienhe.away.models import AwayPeriod, FeeDue
from lienhe.away.views_report import supervision
from lienhe.meetings.services import own_members

from .helpers import approved, filed, grant, today


def test_exempted_member_is_not_expected_at_cell_meetings(cast):
    grant(
        cast.members["a1"],
        actor=cast.users["commune_staff"],
        ground=services.exemption_grounds(cast.cell_a)[0],
        start_on=today(),
        end_on=today() + dt.timedelta(days=30),
    )
    expected = set(own_members(cast.cell_a).values_list("pk", flat=True))
    assert cast.members["a1"].pk not in expected
    assert cast.members["a2"].pk in expected


def test_supervision_counts_each_problem_per_cell(cast):
    away = approved(cast)
    AwayPeriod.objects.filter(pk=away.pk).update(
        start_on=today() - dt.timedelta(days=400), approved_on=today() - dt.timedelta(days=400)
    )
    approved(cast, "b1", destination_country="Hàn Quốc", destination_unit=None)
    filed(cast, "a2")  # waiting for the cell
    grant(
        cast.members["b1"],
        actor=cast.users["commune_staff"],
        ground=services.exemption_grounds(cast.cell_b)[2],
        start_on=today() - dt.timedelta(days=300),
        end_on=today() + dt.timedelta(days=10),
    )
    for month in fees.months_between(today() - dt.timedelta(days=100), today()):
        fees.open_month(month, cast.commune)
    data = supervision(cast.commune, today())
    rows = {r["cell"].pk: r for r in data["rows"]}
    a, b = rows[cast.cell_a.pk], rows[cast.cell_b.pk]
    assert a["away"] == 1 and a["overdue"] == 1 and a["pending"] == 1
    assert b["away"] == 1 and b.get("overdue", 0) == 0 and b["exempted"] == 1
    assert data["abroad"] == 1 and data["expiring"] == 1
    assert data["totals"]["no_comment"] == 2
    assert data["totals"]["arrears"] == 3  # a1, a2, b1 owe ≥ 3 months
    assert sum(d["n"] for d in data["durations"]) == 2
    assert {d["label"] for d in data["destinations"]} == {"Thành phố Hồ Chí Minh", "Hàn Quốc"}


def test_fee_month_job_is_idempotent(cast):
    created = jobs.fee_month_job(today())
    assert created == 5  # every active member of the cast
    assert jobs.fee_month_job(today()) == 0
    assert FeeDue.objects.filter(month=today().replace(day=1)).count() == 5


def test_arrears_by_organization_counts_the_members_of_arrears_queryset(cast):
    """The supervision report's grouped count follows the arrears list's rule: dues
    minus payments > 0, and at least `min_months` times this month's due."""
    from collections import Counter

    from lienhe.orgs.models import Organization

    for month in fees.months_between(today() - dt.timedelta(days=100), today()):
        fees.open_month(month, cast.province)
    fees.record_payment(
        cast.members["a1"],
        actor=cast.users["secretary_a"],
        month=today(),
        amount=10**6,
        method="cash",
    )  # a1 paid more than owed: not in arrears
    first = fees.month_start(today() - dt.timedelta(days=100))
    FeeDue.objects.filter(member=cast.members["b1"]).exclude(month=first).delete()  # 1 month
    for min_months in (1, 3):
        expected = Counter(
            fees.arrears_queryset(
                Organization.objects.in_subtree(cast.province), until=today(), min_months=min_months
            ).values_list("organization_id", flat=True)
        )
        got = fees.arrears_by_organization(cast.province, until=today(), min_months=min_months)
        assert got == dict(expected)
        assert got[cast.cell_a.pk] == 1  # a2; a1 paid ahead
        assert got[cast.cell_b.pk] == 1  # b1 owes one old month (none due this month)
