"""Introduction letters: issue, hand in, accept, close — the web's forms and guards
(lienhe.liaison.views) and services (lienhe.liaison.services)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Header, Schema

from lienhe.liaison import forms, services
from lienhe.liaison.models import Introduction
from lienhe.liaison.views import _can_close, _cells_under, workplace_base
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from ..errors import WRITE_ERRORS, forbidden
from .common import (
    check_org_write,
    get_visible,
    require_anywhere,
    service_call,
    validate,
    validation_error,
    version_for,
    written,
)
from .modules import SCHEMAS, router

TAG = ["Giới thiệu sinh hoạt nơi cư trú"]
IntroductionOut = SCHEMAS["introductions"]
Id = Field(..., ge=1, le=2**31)
OptionalId = Field(None, ge=1, le=2**31)
Version = Field(None, description="Phiên bản đã đọc (thay cho If-Match; không bắt buộc).")


class IssueIn(Schema):
    member: int = Id
    residence_org: int | None = Field(
        None,
        ge=1,
        le=2**31,
        description="Chi bộ hoặc đảng ủy nơi cư trú; bỏ trống: theo địa chỉ thường trú.",
    )
    issued_on: dt.date | None = Field(None, description="Ngày cấp; bỏ trống: hôm nay.")


class IssueDraftIn(Schema):
    issued_on: dt.date | None = None
    version: int | None = Version


class HandinIn(Schema):
    handed_in_on: dt.date
    version: int | None = Version


class AcceptIn(Schema):
    cell: int = Id
    group: int | None = OptionalId
    handed_in_on: dt.date | None = Field(None, description="Bắt buộc khi giấy chưa nộp.")
    version: int | None = Version


class CloseIn(Schema):
    reason: str = Field(..., max_length=20, description="moved, transferred, retired, …")
    closed_on: dt.date | None = None
    note: str = Field("", max_length=255)
    version: int | None = Version


def _letter(request, pk: int) -> Introduction:
    return get_visible(
        Introduction.objects.visible_to(request.user).select_related(
            "member", "workplace_org", "residence_org", "group"
        ),
        pk,
        "giấy giới thiệu",
    )


def _residence(pk: int | None, member: Member) -> Organization:
    """The chosen residence (the service checks it is a residence cell or commune),
    else the proposal from the home address, as on the web's issue page."""
    org = (
        Organization.objects.filter(pk=pk).first()
        if pk is not None
        else services.propose_residence(member)
    )
    if org is None:
        raise validation_error("residence_org", "Hãy chọn nơi cư trú cho đảng viên.")
    return org


def _today(value: dt.date | None) -> dt.date:
    return value or timezone.localdate()


@router.post(
    "/introductions",
    response={201: IntroductionOut, **WRITE_ERRORS},
    tags=TAG,
    summary="Cấp giấy giới thiệu sinh hoạt nơi cư trú cho một đảng viên",
)
def issue_letter(request, payload: IssueIn, response: HttpResponse):
    require_anywhere(request.user, "liaison:issue")
    member = get_visible(
        Member.objects.visible_to(request.user).select_related("organization"),
        payload.member,
        "đảng viên",
    )
    base = workplace_base(member)
    check_org_write(request.user, base, "liaison:issue")
    residence = _residence(payload.residence_org, member)
    issued_on = validate(forms.IssueDateForm({"issued_on": _today(payload.issued_on)}))
    with service_call(services.LiaisonError):
        (intro,) = services.issue_letters(
            [member],
            workplace_org=base,
            residence_for={member.pk: residence},
            issued_on=issued_on["issued_on"],
            actor=request.user,
        )
    written(response, intro, f"{request.path.rstrip('/')}/{intro.pk}")
    return 201, intro


@router.post(
    "/introductions/{pk}/issue",
    response={200: IntroductionOut, **WRITE_ERRORS},
    tags=TAG,
    summary="Cấp số cho giấy đang là dự thảo (ví dụ sau khi đổi nơi cư trú)",
)
def issue_draft(
    request,
    pk: int,
    payload: IssueDraftIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
):
    intro = _letter(request, pk)
    check_org_write(request.user, intro.workplace_org, "liaison:issue")
    version_for(intro, if_match, payload.version, required=False)
    clean = validate(forms.IssueDateForm({"issued_on": _today(payload.issued_on)}))
    with service_call(services.LiaisonError):
        intro = services.issue_letter(intro, issued_on=clean["issued_on"], actor=request.user)
    return written(response, intro)


@router.post(
    "/introductions/{pk}/handin",
    response={200: IntroductionOut, **WRITE_ERRORS},
    tags=TAG,
    summary="Nơi cư trú xác nhận đảng viên đã nộp giấy",
)
def handin(
    request,
    pk: int,
    payload: HandinIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
):
    intro = _letter(request, pk)
    check_org_write(request.user, intro.residence_org, "liaison:write")
    expected = version_for(intro, if_match, payload.version, required=False)
    clean = validate(forms.HandinForm({"handed_in_on": payload.handed_in_on}))
    with service_call(services.LiaisonError):
        intro = services.confirm_handin(
            intro,
            handed_in_on=clean["handed_in_on"],
            expected_version=expected,
            actor=request.user,
        )
    return written(response, intro)


@router.post(
    "/introductions/{pk}/accept",
    response={200: IntroductionOut, **WRITE_ERRORS},
    tags=TAG,
    summary="Chi bộ nơi cư trú tiếp nhận đảng viên (xếp tổ nếu có)",
)
def accept(
    request,
    pk: int,
    payload: AcceptIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
):
    intro = _letter(request, pk)
    check_org_write(request.user, intro.residence_org, "liaison:write")
    expected = version_for(intro, if_match, payload.version, required=False)
    groups = Organization.objects.filter(
        kind=Organization.Kind.GROUP, path__startswith=intro.residence_org.path
    )
    form = forms.AcceptForm(
        payload.dict(),
        cells=_cells_under(intro.residence_org),
        groups=groups,
        need_date=intro.state == Introduction.State.ISSUED,
    )
    clean = validate(form)
    with service_call(services.LiaisonError):
        intro = services.accept_letter(
            intro,
            cell=clean["cell"],
            group=clean.get("group"),
            handed_in_on=clean.get("handed_in_on"),
            expected_version=expected,
            actor=request.user,
        )
    return written(response, intro)


@router.post(
    "/introductions/{pk}/close",
    response={200: IntroductionOut, **WRITE_ERRORS},
    tags=TAG,
    summary="Kết thúc giữ mối liên hệ (nơi công tác hoặc nơi cư trú)",
)
def close(
    request,
    pk: int,
    payload: CloseIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
):
    intro = _letter(request, pk)
    if not _can_close(request.user, intro):
        raise forbidden()
    expected = version_for(intro, if_match, payload.version, required=False)
    data = {**payload.dict(), "closed_on": _today(payload.closed_on)}
    clean = validate(forms.CloseForm(data))
    with service_call(services.LiaisonError):
        intro = services.close_letter(
            intro,
            reason=clean["reason"],
            closed_on=clean["closed_on"],
            note=clean["note"],
            expected_version=expected,
            actor=request.user,
        )
    return written(response, intro)
