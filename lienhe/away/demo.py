"""Demo data: away members with realistic destinations, contacts with gaps, exemptions,
transfers, and a year of party fees with some arrears. Bulk writes only.

Shared figures and the letter register in `demo_common`, the fees in `demo_fees`, the
national data set in `demo_national` (re-exported here: `lienhe.demo.national` calls
`lienhe.away.demo.build_national`)."""

from __future__ import annotations

import datetime as dt

from lienhe.demo.bulk import bulk_create
from lienhe.demo.context import DemoContext, extender
from lienhe.members.models import Member
from lienhe.orgs.models import AdminUnit
from lienhe.text import fold

from .demo_common import (
    ABROAD,
    AWAY_SHARE,
    CONTACT_NOTES,
    DOMESTIC,
    RELATIONS,
    _phone,
    _Register,
    _weighted,
)
from .demo_fees import build_fees
from .demo_national import build_national as build_national
from .models import (
    AwayPeriod,
    Contact,
    DestinationComment,
    Exemption,
    ExemptionApplication,
    Transfer,
)
from .policy import PARAMS


@extender(50)
def build_away(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    assert PARAMS  # parameters registered
    provinces = {u.name: u for u in AdminUnit.objects.filter(level=AdminUnit.Level.PROVINCE)}
    base_of = {
        c.pk: b for b in ctx.communes for c in ctx.residence_cells if c.path.startswith(b.path)
    }
    cells = {c.pk: c for c in ctx.residence_cells}
    demo_cell = ctx.extras["demo_cell"]
    register = _Register()

    residents = list(
        Member.objects.filter(
            organization_id__in=cells, is_working=False, status=Member.Status.ACTIVE
        )
        .filter(birth_date__gt=dt.date(today.year - 58, 1, 1))
        .values_list("pk", "organization_id", "full_name", "birth_date")
    )
    n_away = max(8, round(len(residents) * AWAY_SHARE / 0.6))  # share of all residence members
    n_away = min(n_away, len(residents))
    chosen = rng.sample(residents, n_away)
    # The demo cell gets a handful so `bithu` has work to do.
    in_demo = [r for r in residents if r[1] == demo_cell.pk and r not in chosen][:6]
    chosen += in_demo
    secretary = ctx.users.get("bithu")
    secretary_member = secretary.member_id if secretary else None
    chosen = [r for r in chosen if r[0] != secretary_member]

    periods: list[AwayPeriod] = []
    for i, (pk, cell_id, name, _birth) in enumerate(chosen):
        abroad = rng.random() < 0.22
        if abroad:
            country, address, employer, _w = _weighted(rng, ABROAD)
            unit = None
        else:
            prov, address, employer, _w = _weighted(rng, DOMESTIC)
            unit, country = provinces.get(prov), ""
        start = today - dt.timedelta(days=rng.randint(20, 1400))
        length = rng.choice([365, 730, 1095]) if abroad else rng.choice([180, 365, 730, None])
        roll = rng.random()
        in_demo_cell = cell_id == demo_cell.pk
        if in_demo_cell and i % 3 == 0:
            roll = 0.02  # make sure bithu has reports to consider
        if roll < 0.06:
            status, start = (
                AwayPeriod.Status.SUBMITTED,
                today + dt.timedelta(days=rng.randint(3, 30)),
            )
        elif roll < 0.10:
            status, start = (
                AwayPeriod.Status.CELL_AGREED,
                today + dt.timedelta(days=rng.randint(3, 20)),
            )
        elif roll < 0.17:
            status = AwayPeriod.Status.RETURNED
        else:
            status = AwayPeriod.Status.APPROVED
        end = start + dt.timedelta(days=length) if length else None
        family_relation = rng.choice(RELATIONS)
        a = AwayPeriod(
            member_id=pk,
            organization_id=cell_id,
            destination_address=address,
            destination_unit=unit,
            destination_country=country,
            employer=employer,
            start_on=start,
            expected_end_on=end,
            phone=_phone(rng, country),
            other_contacts=f"Zalo {_phone(rng)}" if rng.random() < 0.6 else "",
            family_contact=f"{name.split(' ')[0]} Thị {rng.choice(['Lan', 'Hoa', 'Hằng', 'Mai'])} ({family_relation})"
            if family_relation in ("vợ", "mẹ", "chị gái", "con gái")
            else f"{name.split(' ')[0]} Văn {rng.choice(['Hùng', 'Dũng', 'Sơn', 'Tuấn'])} ({family_relation})",
            family_phone=_phone(rng),
            wants_temporary_transfer=not abroad and rng.random() < 0.3,
            reason="Đi làm công nhân để tăng thu nhập, lo cho con ăn học."
            if not abroad
            else "Đi lao động có thời hạn ở nước ngoài theo hợp đồng.",
            status=status,
            cell_opinion="Chi bộ thống nhất đề nghị đảng ủy đồng ý."
            if status != AwayPeriod.Status.SUBMITTED
            else "",
        )
        if status in (AwayPeriod.Status.APPROVED, AwayPeriod.Status.RETURNED):
            approved = start - dt.timedelta(days=rng.randint(2, 10))
            a.approved_on = approved
            a.approved_by = (
                ctx.users.get("xa") if base_of[cell_id].pk == ctx.communes[0].pk else None
            )
            a.decision_number = register.take(
                base_of[cell_id],
                "TB-DLAX",
                "TB/ĐU",
                approved,
                f"Đồng ý đảng viên {name} đi làm ăn xa",
            )
        if status == AwayPeriod.Status.RETURNED:
            a.returned_on = min(
                today - dt.timedelta(days=1), start + dt.timedelta(days=rng.randint(60, 400))
            )
            if a.returned_on <= start:
                a.returned_on = start + dt.timedelta(days=1)
                a.start_on = a.returned_on - dt.timedelta(days=90)
        periods.append(a)
    for a in periods:  # bulk_create skips save(): fill the search column here
        a.search_destination = fold(
            " ".join([a.destination_address, a.destination_country, a.employer])
        )[:300]
    bulk_create(periods)
    periods = list(
        AwayPeriod.objects.filter(member_id__in=[p.member_id for p in periods]).select_related(
            "member", "destination_unit"
        )
    )

    # Contacts: every 30–120 days, with ~25% of cells letting it lapse.
    contacts: list[Contact] = []
    lapsed_cells = {c for c in cells if rng.random() < 0.25}
    last_contact: dict[int, dt.date] = {}
    bithu = ctx.users.get("bithu")
    for a in periods:
        if a.status not in (AwayPeriod.Status.APPROVED, AwayPeriod.Status.RETURNED):
            continue
        stop = a.returned_on or today
        if a.organization_id in lapsed_cells:
            stop = min(stop, today - dt.timedelta(days=rng.randint(100, 300)))
        day = a.start_on + dt.timedelta(days=rng.randint(10, 40))
        while day < stop:
            kind = rng.choices(["call", "message", "family", "self"], weights=[5, 3, 3, 2])[0]
            contacts.append(
                Contact(
                    away_id=a.pk,
                    on=day,
                    kind=kind,
                    note=rng.choice(CONTACT_NOTES[kind]),
                    by=bithu if a.organization_id == demo_cell.pk and kind != "self" else None,
                )
            )
            last_contact[a.pk] = day
            day += dt.timedelta(days=rng.randint(30, 120))
    bulk_create(contacts)
    for a in periods:
        if a.pk in last_contact:
            a.last_contact_on = last_contact[a.pk]
    AwayPeriod.objects.bulk_update(
        [a for a in periods if a.pk in last_contact], ["last_contact_on"], batch_size=2000
    )

    # Exemptions: most members abroad and some far away, plus a few sick members.
    exemptions: list[Exemption] = []
    newly_exempted: list[int] = []
    for a in periods:
        if a.status != AwayPeriod.Status.APPROVED:
            continue
        if not (a.destination_country or rng.random() < 0.15):
            continue
        base = base_of[a.organization_id]
        start = max(a.start_on, today - dt.timedelta(days=rng.randint(30, 330)))
        end = min(
            start + dt.timedelta(days=364), a.expected_end_on or start + dt.timedelta(days=364)
        )
        if end < today and rng.random() < 0.5:
            end = today + dt.timedelta(days=rng.randint(3, 40))  # some expiring soon
            start = end - dt.timedelta(days=300)
        ground = (
            "Đi lao động, học tập ở nước ngoài"
            if a.destination_country
            else "Đi làm ăn xa, không có điều kiện sinh hoạt thường xuyên"
        )
        issued = start - dt.timedelta(days=3)
        exemptions.append(
            Exemption(
                member_id=a.member_id,
                organization_id=a.organization_id,
                away_id=a.pk,
                ground=ground,
                start_on=start,
                end_on=end,
                planned_end_on=end,
                issuer_id=base.pk,
                issued_on=issued,
                issued_by=ctx.users.get("xa") if base.pk == ctx.communes[0].pk else None,
                decision_number=register.take(
                    base, "QĐ-TMSH", "QĐ/ĐU", issued, f"Tạm miễn sinh hoạt: {a.member.full_name}"
                ),
            )
        )
        if start <= today <= end:
            newly_exempted.append(a.member_id)
    bulk_create(exemptions)
    # Each decision follows the member's application and the cell's proposal; two more
    # applications wait (one for the cell, one for the committee). No random draws here,
    # so the rest of the demo keeps its seeded values.
    exempted = {e.away_id for e in exemptions}
    applications = [
        ExemptionApplication(
            member_id=e.member_id,
            organization_id=e.organization_id,
            away_id=e.away_id,
            ground=e.ground,
            reason="Đi làm ăn xa, không có điều kiện về sinh hoạt chi bộ thường xuyên.",
            start_on=e.start_on,
            end_on=e.end_on,
            applied_on=e.issued_on - dt.timedelta(days=10),
            status=ExemptionApplication.Status.DECIDED,
            cell_opinion="Chi bộ họp xét, nhất trí đề nghị cấp ủy tạm miễn sinh hoạt.",
            cell_proposed_on=e.issued_on - dt.timedelta(days=6),
            exemption=e,
        )
        for e in exemptions
    ]
    waiting = [
        a for a in periods if a.status == AwayPeriod.Status.APPROVED and a.pk not in exempted
    ][:2]
    for i, a in enumerate(waiting):
        proposed = i == 1
        applications.append(
            ExemptionApplication(
                member_id=a.member_id,
                organization_id=a.organization_id,
                away_id=a.pk,
                ground="Đi làm ăn xa, không có điều kiện sinh hoạt thường xuyên",
                reason="Đi làm việc xa, xin tạm miễn sinh hoạt đến khi trở về.",
                start_on=today + dt.timedelta(days=7),
                end_on=today + dt.timedelta(days=180),
                applied_on=today - dt.timedelta(days=4),
                status=ExemptionApplication.Status.PROPOSED
                if proposed
                else ExemptionApplication.Status.SUBMITTED,
                cell_opinion="Chi bộ nhất trí đề nghị." if proposed else "",
                cell_proposed_on=today - dt.timedelta(days=1) if proposed else None,
            )
        )
    ExemptionApplication.objects.bulk_create(applications, batch_size=2000)
    # Exemption status goes on the member record (history rows are not written in bulk).
    Member.objects.filter(pk__in=newly_exempted).update(status=Member.Status.EXEMPTED)

    # Year-end comments from the destination for last year.
    comments = []
    for a in periods:
        if (
            a.status == AwayPeriod.Status.APPROVED
            and a.start_on.year < today.year
            and rng.random() < 0.7
        ):
            y = today.year - 1
            comments.append(
                DestinationComment(
                    away_id=a.pk,
                    year=y,
                    authority=f"UBND {a.destination_unit.name if a.destination_unit_id else a.destination_country}"
                    if not a.destination_country
                    else f"Công ty phái cử / {a.employer}",
                    requested_on=dt.date(y, 10, 15),
                    request_number=f"{len(comments) + 1}-CV/ĐU",
                    received_on=dt.date(y, 11, rng.randint(5, 28)),
                    text=rng.choice(
                        [
                            "Chấp hành tốt pháp luật, quy định nơi cư trú; đăng ký tạm trú đầy đủ; tích cực trong công việc.",
                            "Có ý thức tổ chức kỷ luật, quan hệ tốt với đồng nghiệp và nhân dân nơi ở.",
                            "Chấp hành quy định; đôi lúc chưa tham gia sinh hoạt khu phố nơi tạm trú.",
                        ]
                    ),
                )
            )
    bulk_create(comments)

    # Transfers: temporary transfers at the destination; official transfers into the
    # demo cell waiting for `bithu` to receive them.
    transfers = []
    for a in periods:
        if a.wants_temporary_transfer and a.status == AwayPeriod.Status.APPROVED:
            base = base_of[a.organization_id]
            sent = a.start_on + dt.timedelta(days=rng.randint(5, 20))
            received = rng.random() < 0.8
            transfers.append(
                Transfer(
                    member_id=a.member_id,
                    organization_id=a.organization_id,
                    kind=Transfer.Kind.TEMPORARY,
                    to_name=f"Chi bộ khu phố nơi tạm trú, {a.destination_unit.name if a.destination_unit_id else ''}",
                    away_id=a.pk,
                    reason="Đi làm ăn xa, sinh hoạt tạm thời nơi tạm trú",
                    until=a.expected_end_on or today + dt.timedelta(days=180),
                    status=Transfer.Status.RECEIVED if received else Transfer.Status.SENT,
                    letter_number=register.take(
                        base, "GGT-SHTT", "GGT/ĐU", sent, "Giới thiệu sinh hoạt tạm thời"
                    ),
                    sent_on=sent,
                    handin_due=sent + dt.timedelta(days=42),
                    received_on=sent + dt.timedelta(days=rng.randint(3, 25)) if received else None,
                )
            )
    movers = list(
        Member.objects.filter(
            organization__in=ctx.residence_cells[1:40], status=Member.Status.ACTIVE
        )
        .exclude(organization=demo_cell)
        .exclude(pk__in=[p.member_id for p in periods])
        .select_related("organization")[:3]
    )
    for m in movers:
        base = base_of[m.organization_id]
        sent = today - dt.timedelta(days=rng.randint(2, 20))
        transfers.append(
            Transfer(
                member_id=m.pk,
                organization_id=m.organization_id,
                kind=Transfer.Kind.OFFICIAL,
                to_organization_id=demo_cell.pk,
                reason="Chuyển nơi cư trú về ở cùng con",
                status=Transfer.Status.SENT,
                letter_number=register.take(
                    base, "GGT-SHĐ", "GGT/ĐU", sent, f"Giới thiệu sinh hoạt đảng: {m.full_name}"
                ),
                sent_on=sent,
                handin_due=sent + dt.timedelta(days=42),
            )
        )
    bulk_create(transfers)
    register.save()
    build_fees(ctx)
    ctx.extras["away_periods"] = len(periods)
