"""Petitions: record one heard, edit it (If-Match), route it to an agency, the agency's
start/answer, the cell's close/reopen — the web's forms and guards
(lienhe.petitions.services: can_write_petition/can_route/can_handle) and services."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.forms.models import model_to_dict
from django.utils import timezone
from ninja import Field, Schema

from lienhe.petitions import forms, services
from lienhe.petitions.models import Petition

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
)
from .modules import SCHEMAS, router

can_write, can_route, can_handle = (
    services.can_write_petition,
    services.can_route,
    services.can_handle,
)

TAG = ["Kiến nghị"]
PetitionOut = SCHEMAS["petitions"]
Error = services.PetitionError
Id = Field(..., ge=1, le=2**31)
Version = Field(None, description="Phiên bản đã đọc (thay cho If-Match).")
Priority = Literal[tuple(Petition.Priority.values)]  # type: ignore[valid-type]
RaisedBy = Literal[tuple(Petition.RaisedBy.values)]  # type: ignore[valid-type]


class PetitionFields(Schema):
    summary: str = Field(..., max_length=255)
    details: str = ""
    category: int = Id
    place: str = Field("", max_length=255)
    people_count: int = Field(1, ge=1, le=1_000_000)
    priority: Priority = "normal"
    raised_by_kind: RaisedBy = "cell"
    raised_by_name: str = Field("", max_length=120)


class PetitionIn(PetitionFields):
    organization: int = Id
    received_on: dt.date | None = Field(None, description="Ngày tiếp nhận; bỏ trống: hôm nay.")


class PetitionPatch(Schema):
    summary: str | None = Field(None, max_length=255)
    details: str | None = None
    category: int | None = Field(None, ge=1, le=2**31)
    place: str | None = Field(None, max_length=255)
    people_count: int | None = Field(None, ge=1, le=1_000_000)
    priority: Priority | None = None
    raised_by_kind: RaisedBy | None = None
    raised_by_name: str | None = Field(None, max_length=120)
    version: int | None = Version


class AssignIn(Schema):
    agency: int = Id
    due_on: dt.date | None = None
    note: str = Field("", max_length=500)


class TransferIn(Schema):
    agency: int = Id
    reason: str = Field(..., max_length=500)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=20_000)
    whole_cluster: bool = False
    version: int | None = Version


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2_000)


def _petition(request, pk: int, allowed) -> Petition:
    petition = get_visible(
        Petition.objects.visible_to(request.user).select_related("organization", "agency"),
        pk,
        "kiến nghị",
    )
    if not allowed(request.user, petition):
        raise forbidden()
    return petition


@creation(
    router, "/petitions", body=PetitionIn, out=PetitionOut, tags=TAG, summary="Ghi nhận kiến nghị"
)
def create_petition(request, payload):
    require_anywhere(request.user, "petitions:write")
    data = {k: v for k, v in payload.dict().items() if v is not None}
    data.setdefault("received_on", timezone.localdate())
    clean = validate(forms.PetitionForm(data, user=request.user))
    fields = {k: v for k, v in clean.items() if k not in ("version", "attachment")}
    check_org_write(request.user, fields["organization"], "petitions:write")
    with service_call(Error):
        return services.create_petition(
            source_type=Petition.Source.STAFF, actor=request.user, **fields
        )


_write = object_writes(router, "/petitions", out=PetitionOut, tags=TAG)


@_write("patch", "", PetitionPatch, "Sửa nội dung kiến nghị (cần If-Match)")
def patch_petition(request, pk, payload, if_match):
    petition = _petition(request, pk, lambda u, p: can_write(u, p) or can_route(u, p))
    sent = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    data = {**model_to_dict(petition, fields=list(forms.PetitionForm.Meta.fields)), **sent}
    form = forms.PetitionForm(data, instance=petition, user=request.user, editing=True)

    def run(clean, expected):
        fields = {k: v for k, v in clean.items() if k != "version"}
        return services.update_petition(
            petition, expected_version=expected, actor=request.user, **fields
        )

    return run_step(
        petition,
        form,
        Error,
        run,
        if_match=if_match,
        body_version=sent.get("version"),
        required=True,
    )


def _transition(path: str, body, summary: str, *, allowed, form_class, run):
    """POST /petitions/{pk}/<path>: who may (`allowed`, as the web's can_* helpers),
    the web's form on the body, then the service (`run`)."""

    def view(request, pk, payload, if_match):
        petition = _petition(request, pk, allowed)
        run_step(
            petition,
            form_class(payload.dict()),
            Error,
            lambda clean, expected: run(request.user, petition, clean, expected),
            if_match=if_match,
            body_version=getattr(payload, "version", None),
        )
        petition.refresh_from_db()
        return petition

    view.__name__ = f"petition_{path}"  # the OpenAPI operation id
    _write("post", f"/{path}", body, summary)(view)


_transition(
    "assign",
    AssignIn,
    "Chuyển kiến nghị tới cơ quan giải quyết",
    allowed=can_route,
    form_class=forms.AssignForm,
    run=lambda user, p, d, _v: services.assign(
        p, d["agency"], due_on=d["due_on"], note=d["note"], actor=user
    ),
)
_transition(
    "transfer",
    TransferIn,
    "Chuyển sang cơ quan khác",
    allowed=lambda u, p: can_route(u, p) or can_handle(u, p),
    form_class=forms.TransferForm,
    run=lambda user, p, d, _v: services.transfer(p, d["agency"], reason=d["reason"], actor=user),
)
_transition(
    "start",
    NoteIn,
    "Cơ quan nhận xử lý kiến nghị",
    allowed=can_handle,
    form_class=forms.NoteForm,
    run=lambda user, p, _d, _v: services.start(p, actor=user),
)
_transition(
    "answer",
    AnswerIn,
    "Cơ quan trả lời kiến nghị",
    allowed=can_handle,
    form_class=forms.AnswerForm,
    run=lambda user, p, d, v: services.answer_petition(
        p,
        answer=d["answer"],
        whole_cluster=d["whole_cluster"],
        expected_version=v,
        actor=user,
    ),
)
_transition(
    "close",
    NoteIn,
    "Chi bộ đồng ý với trả lời, kết thúc kiến nghị",
    allowed=can_write,
    form_class=forms.NoteForm,
    run=lambda user, p, d, _v: services.close(p, note=d["note"], actor=user),
)
_transition(
    "reopen",
    ReasonIn,
    "Chi bộ chưa đồng ý, mở lại kiến nghị",
    allowed=can_write,
    form_class=forms.ReasonForm,
    run=lambda user, p, d, _v: services.reopen(p, reason=d["reason"], actor=user),
)
