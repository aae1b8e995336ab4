"""Away demo data: a year of party fees (profiles, dues, payments, claims)."""

from __future__ import annotations

import datetime as dt

from lienhe.demo.bulk import bulk_create
from lienhe.demo.context import DemoContext
from lienhe.members.models import Member

from .fees import monthly_amount, months_between
from .models import (
    FeeClaim,
    FeeDue,
    FeePayment,
    FeeProfile,
)
from .policy import PARAMS


def build_fees(ctx: DemoContext) -> None:
    """A year of dues and payments for the demo commune and the demo agency; every
    other member gets this month's dues (the daily job opens the following months)."""
    rng, today = ctx.rng, ctx.today
    scope_paths = [ctx.communes[0].path, ctx.workplace_bases[0].path]
    policy = {p.key: p.default for p in PARAMS}
    first = dt.date(today.year, today.month, 1).replace(year=today.year - 1)
    months = months_between(first, today)[1:]  # the last 12 months including this one
    profiles, dues, payments, claims = [], [], [], []
    paid_count = 0
    dangvien = ctx.users.get("dangvien")
    members = Member.objects.filter(status__in=["active", "exempted"]).values_list(
        "pk", "organization_id", "birth_date", "is_working", "organization__path"
    )
    for pk, org_id, birth, working, path in members.iterator(chunk_size=5000):
        age = today.year - birth.year
        if working:
            group, income = "wage", rng.randrange(6_000_000, 22_000_000, 10_000)
        elif age >= 60:
            group, income = "pension", rng.randrange(3_500_000, 9_000_000, 10_000)
        else:
            group, income = "other", 0
        profiles.append(FeeProfile(member_id=pk, group=group, income=income))
        amount = monthly_amount(group, income, policy)
        full = any(path.startswith(p) for p in scope_paths)
        for month in months if full else months[-1:]:
            dues.append(FeeDue(member_id=pk, organization_id=org_id, month=month, amount=amount))
        if full:
            roll = rng.random()
            owed = 0 if roll < 0.82 else rng.randint(1, 8)  # ~18% with some arrears
            quarterly = rng.random() < 0.25
            paid_months = months[: len(months) - owed]
            for j, month in enumerate(paid_months):
                if quarterly and j % 3:
                    continue
                count = 3 if quarterly else 1
                pay_on = month + dt.timedelta(days=rng.randint(3, 20))
                if pay_on > today:
                    pay_on = today
                for k in range(count):
                    if j + k >= len(paid_months):
                        break
                    payments.append(
                        FeePayment(
                            member_id=pk,
                            organization_id=org_id,
                            month=paid_months[j + k],
                            amount=amount,
                            method="cash" if rng.random() < 0.7 else "bank",
                            reference=""
                            if rng.random() < 0.7
                            else f"FT{rng.randint(10**9, 10**10 - 1)}",
                            paid_on=pay_on,
                            receipt_number=f"{pay_on.year}-D{len(payments) + paid_count:06d}",
                        )
                    )
        if len(dues) > 20000:
            bulk_create(dues)
            dues.clear()
        if len(payments) > 20000:
            bulk_create(payments)
            paid_count += len(payments)
            payments.clear()
    bulk_create(profiles)
    bulk_create(dues)
    bulk_create(payments)
    if dangvien and dangvien.member_id:
        m = Member.objects.get(pk=dangvien.member_id)
        FeePayment.objects.filter(member=m, month=months[-1]).delete()
        amount = (
            FeeDue.objects.filter(member=m, month=months[-1])
            .values_list("amount", flat=True)
            .first()
            or 0
        )
        claims.append(
            FeeClaim(
                member=m,
                organization_id=m.organization_id,
                month_from=months[-1],
                month_to=months[-1],
                amount=amount,
                reference=f"FT{rng.randint(10**9, 10**10 - 1)}",
                paid_on=today,
            )
        )
    bulk_create(claims)
    ctx.extras["fee_months"] = len(months)
