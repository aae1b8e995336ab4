"""Away periods (members working away from home): file a report, edit it (If-Match) —
the web's form (AwayForm), guard (`can_act_for_member`: the member or the cell) and
services (lienhe.away.services)."""

from __future__ import annotations

import datetime as dt

from django.forms.models import model_to_dict
from ninja import Field, Schema

from lienhe.away import services
from lienhe.away.forms import AwayForm
from lienhe.away.models import AwayPeriod
from lienhe.members.models import Member

from ..errors import forbidden, not_found
from .common import creation, get_visible, object_write, run_step, service_call, validate
from .modules import SCHEMAS, router

TAG = ["Đi làm ăn xa"]
AwayOut = SCHEMAS["away-periods"]
FIELDS = list(AwayForm.Meta.fields)


class AwayFields(Schema):
    destination_unit: int | None = Field(None, ge=1, le=2**31, description="Tỉnh/thành nơi đến.")
    destination_country: str = Field("", max_length=60)
    destination_address: str = Field(..., max_length=255)
    employer: str = Field(..., max_length=200)
    start_on: dt.date
    expected_end_on: dt.date | None = None
    phone: str = Field("", max_length=20)
    other_contacts: str = Field("", max_length=200)
    family_contact: str = Field(..., max_length=120)
    family_phone: str = Field(..., max_length=20)
    wants_temporary_transfer: bool = False
    reason: str = Field("", max_length=5_000)


class AwayIn(AwayFields):
    member: int | None = Field(
        None, ge=1, le=2**31, description="Đảng viên; bỏ trống: chính chủ khóa (tự báo cáo)."
    )


class AwayPatch(Schema):
    destination_unit: int | None = Field(None, ge=1, le=2**31)
    destination_country: str | None = Field(None, max_length=60)
    destination_address: str | None = Field(None, max_length=255)
    employer: str | None = Field(None, max_length=200)
    start_on: dt.date | None = None
    expected_end_on: dt.date | None = None
    phone: str | None = Field(None, max_length=20)
    other_contacts: str | None = Field(None, max_length=200)
    family_contact: str | None = Field(None, max_length=120)
    family_phone: str | None = Field(None, max_length=20)
    wants_temporary_transfer: bool | None = None
    reason: str | None = Field(None, max_length=5_000)
    version: int | None = Field(None, description="Phiên bản đang sửa (thay cho If-Match).")


def _member(request, pk: int | None) -> Member:
    """The web's _member_for_filing: yourself, or a member you may act for."""
    if pk is None:
        if not request.user.member_id:
            raise not_found("đảng viên")
        return Member.objects.select_related("organization").get(pk=request.user.member_id)
    member = get_visible(
        Member.objects.visible_to(request.user).select_related("organization"), pk, "đảng viên"
    )
    if not services.can_act_for_member(request.user, member):
        raise forbidden()
    return member


@creation(
    router,
    "/away-periods",
    body=AwayIn,
    out=AwayOut,
    tags=TAG,
    summary="Báo cáo đi làm ăn xa (tự báo cáo hoặc chi bộ báo cáo thay)",
)
def file_away(request, payload):
    data = payload.dict()
    member = _member(request, data.pop("member"))
    clean = validate(AwayForm({k: v for k, v in data.items() if v is not None}))
    fields = {k: v for k, v in clean.items() if k != "version"}
    with service_call(services.AwayError):
        return services.file_away(member, actor=request.user, **fields)


@object_write(
    router,
    "patch",
    "/away-periods/{pk}",
    body=AwayPatch,
    out=AwayOut,
    tags=TAG,
    summary="Sửa, bổ sung báo cáo đi làm ăn xa (cần If-Match)",
)
def patch_away(request, pk, payload, if_match):
    away = get_visible(
        AwayPeriod.objects.visible_to(request.user).select_related("member", "organization"),
        pk,
        "đợt đi làm ăn xa",
    )
    if not services.can_act_for_member(request.user, away.member):
        raise forbidden()
    sent = payload.dict(exclude_unset=True)
    version = sent.pop("version", None)
    data = {**model_to_dict(away, fields=FIELDS), **sent}
    form = AwayForm({k: v for k, v in data.items() if v is not None}, instance=away)

    def run(clean, expected):
        fields = {k: v for k, v in clean.items() if k != "version"}
        return services.update_away(away, expected_version=expected, actor=request.user, **fields)

    return run_step(
        away, form, services.AwayError, run, if_match=if_match, body_version=version, required=True
    )
