"""Meetings: schedule, edit (If-Match), move, cancel, and the roll call — through the
web's forms (lienhe.meetings.forms) and services (lienhe.meetings.services)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db import transaction
from django.utils import timezone
from ninja import Field, Schema

from lienhe.meetings import services
from lienhe.meetings.forms import CancelForm, EditMeetingForm, MeetingForm, MoveForm
from lienhe.meetings.models import Attendance, Meeting
from lienhe.meetings.selectors import group_choices, writable_cells
from lienhe.members.models import Member

from ..errors import WRITE_ERRORS, ApiError
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

TAG = ["Sinh hoạt chi bộ"]
PERM = "meetings:write"
MeetingOut = SCHEMAS["meetings"]
AttendanceOut = SCHEMAS["attendance"]
Id = Field(..., ge=1, le=2**31)
Version = Field(None, description="Phiên bản đang sửa (thay cho tiêu đề If-Match).")


class MeetingIn(Schema):
    organization: int = Id
    kind: Literal[tuple(Meeting.Kind.values)]  # type: ignore[valid-type]
    planned_at: dt.datetime = Field(..., description="Thời gian bắt đầu (ISO 8601).")
    title: str = Field("", max_length=200)
    place: str = Field("", max_length=200)
    duration_minutes: int = Field(120, ge=30, le=480)
    groups: list[int] = Field(
        [], max_length=50, description="Tổ đảng (chỉ với đảng viên đang công tác)."
    )


class MeetingPatch(Schema):
    title: str | None = Field(None, max_length=200)
    place: str | None = Field(None, max_length=200)
    duration_minutes: int | None = Field(None, ge=30, le=480)
    version: int | None = Version


class MoveIn(Schema):
    planned_at: dt.datetime
    reason: str = Field(..., max_length=255)
    place: str = Field("", max_length=200)
    version: int | None = Version


class CancelIn(Schema):
    reason: str = Field(..., max_length=255)
    version: int | None = Version


class Mark(Schema):
    member: int = Id
    status: Literal[tuple(Attendance.Status.values)]  # type: ignore[valid-type]
    reason: str | None = Field(None, max_length=200, description="Lý do vắng, ghi chú.")


class RollCallIn(Schema):
    items: list[Mark] = Field(..., max_length=500)
    close: bool = Field(False, description="Chốt điểm danh: ai chưa điểm danh ghi vắng.")


class RollCallOut(Schema):
    changed: int
    closed_absent: int
    expected_count: int
    present_count: int
    items: list[AttendanceOut]


def _when(value: dt.datetime) -> dict:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return {"date": local.date(), "time": local.time().replace(microsecond=0)}


def _meeting(request, pk: int) -> Meeting:
    """The web's get_meeting(request, pk, "meetings:write"): 404 outside, 403 no right."""
    meeting = get_visible(
        Meeting.objects.visible_to(request.user).select_related("organization"), pk, "cuộc họp"
    )
    check_org_write(request.user, meeting.organization, PERM)
    return meeting


@creation(
    router,
    "/meetings",
    body=MeetingIn,
    out=MeetingOut,
    tags=TAG,
    summary="Lên lịch một buổi sinh hoạt",
)
def create_meeting(request, payload):
    require_anywhere(request.user, PERM)
    cells = writable_cells(request.user)
    data = payload.dict()
    form = MeetingForm(
        {**data, **_when(data.pop("planned_at"))},
        cells=cells,
        groups=group_choices(cells, str(payload.organization)),
    )
    clean = validate(form)
    check_org_write(request.user, clean["organization"], PERM)
    with service_call(services.MeetingError):
        return services.plan_meeting(
            clean["organization"],
            kind=clean["kind"],
            planned_at=form.planned_at(),
            place=clean["place"],
            title=clean["title"],
            duration_minutes=clean["duration_minutes"],
            groups=clean["groups"],
            actor=request.user,
        )


_write = object_writes(router, "/meetings", out=MeetingOut, tags=TAG)


@_write("patch", "", MeetingPatch, "Sửa chủ đề, địa điểm, thời lượng (cần If-Match)")
def patch_meeting(request, pk, payload, if_match):
    meeting = _meeting(request, pk)
    sent = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    version = sent.pop("version", None)
    current = {"title": meeting.title, "place": meeting.place}
    current["duration_minutes"] = meeting.duration_minutes
    current.update(_when(meeting.planned_at))  # the web form also edits the time; PATCH keeps it
    form = EditMeetingForm({**current, **sent, "version": meeting.version})
    return run_step(
        meeting,
        form,
        services.MeetingError,
        lambda clean, expected: services.update_meeting(
            meeting,
            expected_version=expected,
            title=clean["title"],
            place=clean["place"],
            duration_minutes=clean["duration_minutes"],
            actor=request.user,
        ),
        if_match=if_match,
        body_version=version,
        required=True,
    )


@_write("post", "/move", MoveIn, "Dời lịch (báo cho đảng viên)")
def move_meeting(request, pk, payload, if_match):
    meeting = _meeting(request, pk)
    form = MoveForm({**payload.dict(), **_when(payload.planned_at), "version": meeting.version})
    return run_step(
        meeting,
        form,
        services.MeetingError,
        lambda clean, expected: services.move_meeting(
            meeting,
            new_at=form.planned_at(),
            reason=clean["reason"],
            place=clean["place"],
            expected_version=expected,
            actor=request.user,
        ),
        if_match=if_match,
        body_version=payload.version,
    )


@_write("post", "/cancel", CancelIn, "Hủy buổi sinh hoạt (báo cho đảng viên)")
def cancel_meeting(request, pk, payload, if_match):
    meeting = _meeting(request, pk)
    return run_step(
        meeting,
        CancelForm({"reason": payload.reason, "version": meeting.version}),
        services.MeetingError,
        lambda clean, expected: services.cancel_meeting(
            meeting, reason=clean["reason"], expected_version=expected, actor=request.user
        ),
        if_match=if_match,
        body_version=payload.version,
    )


@router.put(
    "/meetings/{pk}/attendance",
    response={200: RollCallOut, **WRITE_ERRORS},
    tags=TAG,
    summary="Điểm danh (cả danh sách một lần; gửi lại không ghi trùng)",
    description=(
        "Mỗi dòng `{member, status, reason}` đi qua cùng hàm điểm danh như trên điện "
        "thoại (`mark_attendance`). Tất cả hoặc không: một dòng sai thì không ghi dòng "
        "nào (422, `field` chỉ ra dòng). `close: true` chốt điểm danh như nút "
        "“Chốt danh sách”."
    ),
)
def put_attendance(request, pk: int, payload: RollCallIn):
    meeting = _meeting(request, pk)
    ids = [m.member for m in payload.items]
    members = Member.objects.in_bulk(ids)
    changed, absent = 0, 0
    with transaction.atomic():
        for index, mark in enumerate(payload.items):
            member = members.get(mark.member)
            if member is None:
                raise validation_error(f"items.{index}.member", "Không tìm thấy đảng viên.")
            try:
                _row, did = services.mark_attendance(
                    meeting, member, mark.status, actor=request.user, note=mark.reason
                )
            except services.MeetingError as exc:
                raise ApiError(
                    422,
                    "business_rule",
                    str(exc),
                    [{"field": f"items.{index}", "message": str(exc)}],
                ) from exc
            changed += did
        if payload.close:
            with service_call(services.MeetingError):
                absent = services.close_roll_call(meeting, actor=request.user)
    meeting.refresh_from_db(fields=["expected_count", "present_count"])
    rows = Attendance.objects.filter(meeting=meeting, member_id__in=ids).order_by("id")
    return {
        "changed": changed,
        "closed_absent": absent,
        "expected_count": meeting.expected_count,
        "present_count": meeting.present_count,
        "items": list(rows),
    }
