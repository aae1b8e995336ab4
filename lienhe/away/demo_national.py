"""Away demo data for the national data set (`seed_demo --national`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from lienhe.demo.context import DemoContext
from lienhe.demo.national import Plan, RowWriter, _at, _months_back
from lienhe.text import fold

from .models import (
    AwayPeriod,
    FeeDue,
    FeePayment,
)

# ---------------------------------------- national data set (`seed_demo --national`)

NATIONAL_AWAY_SHARE = 0.01
MONTHLY_FEE = 30_000  # đồng; a flat demo figure (the real rule is 1% of income)


def build_national(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    """About 1% of members away (approved, some returned); party fees due every month
    for active members, paid by most."""
    rng, today = ctx.rng, ctx.today
    first = plan.first_member_id
    n = len(plan.member_org)
    away = []
    for index in rng.sample(range(n), round(n * NATIONAL_AWAY_SHARE)):
        mid = first + index
        abroad = rng.random() < 0.2
        dest = "Khu công nghiệp Bắc Thăng Long, Hà Nội" if not abroad else "Tokyo, Nhật Bản"
        start = today - dt.timedelta(days=rng.randint(30, 700))
        returned = start + dt.timedelta(days=rng.randint(60, 300))
        status = "returned" if returned < today and rng.random() < 0.3 else "approved"
        away.append(
            (
                writer.next_id(AwayPeriod),
                mid,
                plan.member_org[index],
                dest,
                "Nhật Bản" if abroad else "",
                fold(dest),
                "Công ty TNHH",
                start,
                status,
                start + dt.timedelta(days=10),
                returned if status == "returned" else None,
                f"09{rng.randint(0, 99_999_999):08d}",
                "Vợ",
                f"03{rng.randint(0, 99_999_999):08d}",
                "Đi làm ăn theo hợp đồng lao động",
            )  # fmt: skip
        )
    writer.write(
        AwayPeriod,
        [
            "id",
            "member_id",
            "organization_id",
            "destination_address",
            "destination_country",
            "search_destination",
            "employer",
            "start_on",
            "status",
            "approved_on",
            "returned_on",
            "phone",
            "family_contact",
            "family_phone",
            "reason",
        ],  # fmt: skip
        away,
        "Đi làm ăn xa",
        len(away),
    )
    if not ctx.extras.get("fees", True):
        return
    months = [dt.date(y, m, 1) for y, m in _months_back(today, 12)]
    due_rows = n * len(months)

    def dues() -> Iterator[tuple]:
        for index, org_id in enumerate(plan.member_org):
            mid = first + index
            for month in months:
                yield (writer.next_id(FeeDue), mid, org_id, month, MONTHLY_FEE)

    def payments() -> Iterator[tuple]:
        for index, org_id in enumerate(plan.member_org):
            mid = first + index
            for month in months:
                if rng.random() < 0.92:
                    paid = month + dt.timedelta(days=rng.randint(0, 20))
                    yield (writer.next_id(FeePayment), mid, org_id, month, MONTHLY_FEE, "cash",
                           "", min(paid, today), _at(min(paid, today), 9))  # fmt: skip

    writer.write(
        FeeDue, ["id", "member_id", "organization_id", "month", "amount"], dues(), "Đảng phí",
        due_rows,
    )  # fmt: skip
    writer.write(
        FeePayment,
        [
            "id",
            "member_id",
            "organization_id",
            "month",
            "amount",
            "method",
            "reference",
            "paid_on",
            "created_at",
        ],  # fmt: skip
        payments(),
        "Đảng phí đã nộp",
        due_rows,
    )
