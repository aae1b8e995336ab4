"""Introduction letters: issue, hand in, accept, close — the web's forms, the liaison
selectors and services (lienhe.liaison.selectors/services), as the web pages use them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema

from lienhe.liaison import forms, services
from lienhe.liaison.models import Introduction
from lienhe.liaison.selectors import residence_cells_under, workplace_base
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from ..errors import forbidden
from .common import (
    check_org_write,
    creation,
    get_visible,
    object_writes,
    require_anywhere,
    run_step,
    service_call,
    validate,
    validation_error,
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


@creation(
    router,
    "/introductions",
    body=IssueIn,
    out=IntroductionOut,
    tags=TAG,
    summary="Cấp giấy giới thiệu sinh hoạt nơi cư trú cho một đảng viên",
)
def issue_letter(request, payload):
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
    return intro


def _step(request, intro, payload, if_match, *, side: str, perm: str, form, run):
    """A transition the web offers on one letter: the org of `side` needs `perm`."""
    check_org_write(request.user, getattr(intro, side), perm)
    return run_step(
        intro,
        form,
        services.LiaisonError,
        lambda clean, expected: run(intro, clean, expected),
        if_match=if_match,
        body_version=payload.version,
    )


_write = object_writes(router, "/introductions", out=IntroductionOut, tags=TAG)


@_write("post", "/issue", IssueDraftIn, "Cấp số cho giấy đang là dự thảo (sau khi đổi nơi cư trú)")
def issue_draft(request, pk, payload, if_match):
    return _step(
        request,
        _letter(request, pk),
        payload,
        if_match,
        side="workplace_org",
        perm="liaison:issue",
        form=forms.IssueDateForm({"issued_on": _today(payload.issued_on)}),
        run=lambda intro, clean, _v: services.issue_letter(
            intro, issued_on=clean["issued_on"], actor=request.user
        ),
    )


@_write("post", "/handin", HandinIn, "Nơi cư trú xác nhận đảng viên đã nộp giấy")
def handin(request, pk, payload, if_match):
    return _step(
        request,
        _letter(request, pk),
        payload,
        if_match,
        side="residence_org",
        perm="liaison:write",
        form=forms.HandinForm({"handed_in_on": payload.handed_in_on}),
        run=lambda intro, clean, expected: services.confirm_handin(
            intro,
            handed_in_on=clean["handed_in_on"],
            expected_version=expected,
            actor=request.user,
        ),
    )


@_write("post", "/accept", AcceptIn, "Chi bộ nơi cư trú tiếp nhận đảng viên (xếp tổ nếu có)")
def accept(request, pk, payload, if_match):
    intro = _letter(request, pk)
    form = forms.AcceptForm(
        payload.dict(),
        cells=residence_cells_under(intro.residence_org),
        groups=Organization.objects.filter(
            kind=Organization.Kind.GROUP, path__startswith=intro.residence_org.path
        ),
        need_date=intro.state == Introduction.State.ISSUED,
    )
    return _step(
        request,
        intro,
        payload,
        if_match,
        side="residence_org",
        perm="liaison:write",
        form=form,
        run=lambda intro, clean, expected: services.accept_letter(
            intro,
            cell=clean["cell"],
            group=clean.get("group"),
            handed_in_on=clean.get("handed_in_on"),
            expected_version=expected,
            actor=request.user,
        ),
    )


@_write("post", "/close", CloseIn, "Kết thúc giữ mối liên hệ (nơi công tác hoặc nơi cư trú)")
def close(request, pk, payload, if_match):
    intro = _letter(request, pk)
    if not services.can_close(request.user, intro):  # either side's liaison:write, as on the web
        raise forbidden()
    return run_step(
        intro,
        forms.CloseForm({**payload.dict(), "closed_on": _today(payload.closed_on)}),
        services.LiaisonError,
        lambda clean, expected: services.close_letter(
            intro,
            reason=clean["reason"],
            closed_on=clean["closed_on"],
            note=clean["note"],
            expected_version=expected,
            actor=request.user,
        ),
        if_match=if_match,
        body_version=payload.version,
    )
