"""Builders for away-module objects on the shared cast."""

import datetime as dt

from django.utils import timezone

from lienhe.away import fees, services
from lienhe.away.models import AwayPeriod, FeeClaim, FeePayment
from lienhe.orgs.models import AdminUnit

AWAY_DATA = {
    "destination_address": "KCN VSIP I, phường Bình Hòa",
    "destination_country": "",
    "employer": "Công ty TNHH Điện tử Foster",
    "phone": "0912345678",
    "other_contacts": "",
    "family_contact": "Nguyễn Thị Lan (vợ)",
    "family_phone": "0987654321",
    "wants_temporary_transfer": True,
    "reason": "Đi làm công nhân",
}


def today():
    return timezone.localdate()


def province_unit():
    unit, _ = AdminUnit.objects.get_or_create(
        code=79, defaults={"name": "Thành phố Hồ Chí Minh", "level": "province"}
    )
    return unit


def away_data(**over):
    data = dict(AWAY_DATA)
    data.update(
        destination_unit=province_unit(),
        start_on=today() - dt.timedelta(days=100),
        expected_end_on=today() + dt.timedelta(days=265),
    )
    data.update(over)
    return data


def filed(cast, member_key="a1", **over) -> AwayPeriod:
    member = cast.members[member_key]
    return services.file_away(member, actor=cast.users["secretary_a"], **away_data(**over))


def approved(cast, member_key="a1", **over) -> AwayPeriod:
    away = filed(cast, member_key, **over)
    away = services.cell_consider(
        away, actor=cast.users["secretary_a"], agree=True, opinion="Đồng ý"
    )
    return services.approve_away(away, actor=cast.users["commune_staff"])


def grant(member, *, actor, ground, start_on, end_on, away=None, detail="", cell_actor=None):
    """A decision made the way the rules require: the member's application, the cell's
    proposal, then the committee's decision (all dated today)."""
    app = services.apply_for_exemption(
        member,
        actor=cell_actor or actor,
        ground=ground,
        start_on=start_on,
        end_on=end_on,
        reason="Đi làm ăn xa, không về sinh hoạt được",
        away=away,
    )
    app = services.propose_exemption(
        app, actor=cell_actor or actor, agree=True, opinion="Chi bộ đề nghị tạm miễn"
    )
    return services.grant_exemption(
        member,
        actor=actor,
        ground=ground,
        start_on=start_on,
        end_on=end_on,
        away=away,
        detail=detail,
        application=app,
    )


def application(cast, member_key="a1"):
    member = cast.members[member_key]
    return services.apply_for_exemption(
        member,
        actor=cast.users["secretary_a"],
        ground=services.exemption_grounds(member.organization)[1],
        start_on=today(),
        end_on=today() + dt.timedelta(days=90),
        reason="Đi làm ăn xa, không về sinh hoạt được",
    )


def exemption(cast):
    member = cast.members["a1"]
    return grant(
        member,
        actor=cast.users["commune_staff"],
        ground=services.exemption_grounds(member.organization)[1],
        start_on=today() - dt.timedelta(days=10),
        end_on=today() + dt.timedelta(days=100),
    )


def transfer(cast, sent=True):
    t = services.request_transfer(
        cast.members["a1"],
        actor=cast.users["secretary_a"],
        kind="official",
        reason="Chuyển nơi cư trú",
        to_organization=cast.other_cell,
    )
    if sent:
        t = services.send_transfer(t, actor=cast.users["commune_staff"])
    return t


def comment_requested(cast):
    away = approved(cast)
    services.request_destination_comment(
        away, actor=cast.users["secretary_a"], year=today().year, authority="UBND phường Bình Hòa"
    )
    return away


def payment(cast) -> FeePayment:
    return fees.record_payment(
        cast.members["a1"],
        actor=cast.users["secretary_a"],
        month=today(),
        amount=5000,
        method="cash",
    )


def claim(cast) -> FeeClaim:
    return fees.claim_payment(
        cast.members["a1"],
        actor=cast.users["secretary_a"],
        month_from=today(),
        month_to=today(),
        amount=5000,
        reference="FT123456",
        paid_on=today(),
    )
