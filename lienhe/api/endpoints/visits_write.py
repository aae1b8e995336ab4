"""Visits: the committee member files the visit report (petitions heard go on to the
petitions module) or records that the visit could not happen — the web's forms, guard
(`can_act_on_visit`) and services (lienhe.visits.services)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from lienhe.visits import services
from lienhe.visits.common import can_act_on_visit
from lienhe.visits.forms import MissedForm, PetitionItemForm, ReportForm
from lienhe.visits.models import Visit

from ..errors import forbidden
from .common import get_visible, object_writes, require_anywhere, run_step, validate
from .modules import SCHEMAS, router

TAG = ["Dự sinh hoạt"]
VisitOut = SCHEMAS["visits"]
Version = Field(None, description="Phiên bản đã đọc (thay cho If-Match).")


class HeardIn(Schema):
    summary: str = Field(..., max_length=255)
    category: str = Field("", max_length=60)
    details: str = Field("", max_length=5_000)


class ReportIn(Schema):
    attended_on: dt.date
    chair: str = Field(..., max_length=120)
    content: str = Field(..., max_length=20_000)
    members_total: int | None = Field(None, ge=0, le=100_000)
    members_present: int | None = Field(None, ge=0, le=100_000)
    criteria: list[str] = Field([], max_length=20)
    quality: str = Field("", max_length=10, description="Bỏ trống: tính theo tiêu chí đạt.")
    observations: str = Field("", max_length=20_000)
    opinions: str = Field("", max_length=20_000)
    resolved_on_spot: str = Field("", max_length=20_000)
    recommendations: str = Field("", max_length=20_000)
    petitions: list[HeardIn] = Field([], max_length=30, description="Kiến nghị nghe được.")
    version: int | None = Version


class MissedIn(Schema):
    reason: str = Field(..., max_length=20, description="business_trip, illness, …, other")
    note: str = Field("", max_length=255)
    new_date: dt.date | None = None
    version: int | None = Version


def _visit(request, pk: int) -> Visit:
    """The web's get_visit + can_act_on_visit: 404 outside scope, 403 not yours."""
    require_anywhere(request.user, "visits:read")
    visit = get_visible(
        Visit.objects.visible_to(request.user).select_related(
            "cell", "committee_member__committee__organization", "committee_member__user"
        ),
        pk,
        "lượt dự sinh hoạt",
    )
    if not can_act_on_visit(request.user, visit):
        raise forbidden()
    return visit


_write = object_writes(router, "/visits", out=VisitOut, tags=TAG)


def _step(visit, form, run, payload, if_match) -> Visit:
    run_step(visit, form, services.VisitError, run, if_match=if_match, body_version=payload.version)
    visit.refresh_from_db()
    return visit


@_write(
    "post", "/report", ReportIn, "Nộp báo cáo dự sinh hoạt (kiến nghị nghe được chuyển giải quyết)"
)
def file_report(request, pk, payload, if_match):
    visit = _visit(request, pk)
    data = payload.dict(exclude={"version", "petitions"})
    items = [
        validate(PetitionItemForm(item.dict()), f"petitions.{i}.")
        for i, item in enumerate(payload.petitions)
    ]

    def run(clean, _expected):
        heard = [i for i in items if i["summary"]]
        services.file_report(visit, petitions=heard, actor=request.user, **clean)

    return _step(visit, ReportForm(data), run, payload, if_match)


@_write("post", "/missed", MissedIn, "Không dự được: ghi lý do (và dời sang ngày khác nếu có)")
def mark_missed(request, pk, payload, if_match):
    visit = _visit(request, pk)

    def run(clean, expected):
        return services.mark_missed(
            visit,
            reason=clean["reason"],
            note=clean["note"],
            new_date=clean["new_date"],
            expected_version=expected,
            actor=request.user,
        )

    form = MissedForm({**payload.dict(), "version": visit.version})
    return _step(visit, form, run, payload, if_match)
