"""Read endpoints of the modules built after the core: each goes through the model's
own `visible_to(user)` (the web's scoping) and its `in_subtree(org)`; list pages are
cursor-paginated by id; details carry an ETag from `version`.

Modules missing from the tree are skipped at start-up, so the API follows what is
installed."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.http import HttpResponse
from ninja import Router, Schema
from ninja.orm import create_schema

from lienhe.access.requests import YEAR_MAX, YEAR_MIN
from lienhe.orgs.models import Organization

from ..errors import LIST_ERRORS, READ_ERRORS, ApiError
from ..pagination import paginate
from .common import etag_for, get_visible

router = Router()
# path → response schema of one row: the write endpoints (endpoints/*_write.py) answer
# with the same shape as the reads, and add their operations to this router so that a
# path such as /meetings/{pk} is one URL with several methods.
SCHEMAS: dict[str, type[Schema]] = {}

# Internal columns (folded search text, device ids) are not part of the contract.
HIDDEN = {"search_text", "search_destination", "search_name", "tokens", "tap_id"}


@dataclass(frozen=True)
class Resource:
    label: str  # app_label.Model
    path: str  # URL segment
    tag: str  # OpenAPI group (Vietnamese)
    what: str  # for "not found" messages


RESOURCES = [
    Resource(
        "liaison.Introduction",
        "introductions",
        "Giới thiệu sinh hoạt nơi cư trú",
        "giấy giới thiệu",
    ),
    Resource("meetings.Meeting", "meetings", "Sinh hoạt chi bộ", "cuộc họp"),
    Resource("visits.Visit", "visits", "Dự sinh hoạt", "lượt dự sinh hoạt"),
    Resource("petitions.Petition", "petitions", "Kiến nghị", "kiến nghị"),
    Resource("away.AwayPeriod", "away-periods", "Đi làm ăn xa", "đợt đi làm ăn xa"),
    Resource("reviews.ResidenceComment", "comments", "Nhận xét nơi cư trú", "bản nhận xét"),
    Resource("reviews.YearReview", "reviews", "Đánh giá, xếp loại", "bản đánh giá"),
]


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN and type(f).__name__ not in ("BinaryField", "FileField")
    ]


def _register(res: Resource) -> bool:
    model = _model(res.label)
    if model is None or not hasattr(model._default_manager.get_queryset(), "visible_to"):
        return False
    item = create_schema(model, name=f"{model.__name__}Out", fields=_fields(model))
    SCHEMAS[res.path] = item
    page = type(
        f"{model.__name__}Page",
        (Schema,),
        {"__annotations__": {"items": list[item], "next_cursor": str | None}},
    )
    has_year = any(f.name == "year" for f in model._meta.concrete_fields)
    has_version = any(f.name == "version" for f in model._meta.concrete_fields)
    subtree = hasattr(model._default_manager.get_queryset(), "in_subtree")

    def visible(request):
        return model._default_manager.visible_to(request.user)

    def list_view(
        request,
        cursor: str | None = None,
        limit: int = 50,
        org: int | None = None,
        year: int | None = None,
    ):
        qs = visible(request)
        if org is not None and subtree:
            node = get_visible(Organization.objects.visible_to(request.user), org, "tổ chức")
            qs = qs.in_subtree(node)
        if year is not None and has_year:
            if not YEAR_MIN <= year <= YEAR_MAX:
                raise ApiError(400, "invalid_year", f"Năm phải từ {YEAR_MIN} đến {YEAR_MAX}.")
            qs = qs.filter(year=year)
        rows, next_cursor = paginate(qs, cursor=cursor, limit=limit)
        return {"items": rows, "next_cursor": next_cursor}

    def detail_view(request, pk: int, response: HttpResponse):
        obj = get_visible(visible(request), pk, res.what)
        if has_version:
            response["ETag"] = etag_for(obj.version)
        return obj

    list_view.__name__ = f"list_{res.path.replace('-', '_')}"
    detail_view.__name__ = f"get_{res.path.replace('-', '_')}"
    router.get(
        f"/{res.path}",
        response={200: page, **LIST_ERRORS},
        tags=[res.tag],
        summary=f"Danh sách {res.what} trong phạm vi được xem",
        description="Lọc: `org` (cả cấp dưới)" + (", `year`" if has_year else "") + ".",
    )(list_view)
    router.get(
        f"/{res.path}/{{pk}}",
        response={200: item, **READ_ERRORS},
        tags=[res.tag],
        summary=f"Một {res.what}",
    )(detail_view)
    return True


REGISTERED = [res.path for res in RESOURCES if _register(res)]
SKIPPED = [res.path for res in RESOURCES if res.path not in REGISTERED]


def _attendance():
    meeting_model = _model("meetings.Meeting")
    attendance_model = _model("meetings.Attendance")
    if meeting_model is None or attendance_model is None:
        return
    item = create_schema(attendance_model, name="AttendanceOut", fields=_fields(attendance_model))
    SCHEMAS["attendance"] = item
    page = type(
        "AttendancePage",
        (Schema,),
        {"__annotations__": {"items": list[item], "next_cursor": str | None}},
    )

    @router.get(
        "/meetings/{pk}/attendance",
        response={200: page, **LIST_ERRORS},
        tags=["Sinh hoạt chi bộ"],
        summary="Điểm danh của một cuộc họp",
    )
    def meeting_attendance(request, pk: int, cursor: str | None = None, limit: int = 50):
        meeting = get_visible(
            meeting_model._default_manager.visible_to(request.user), pk, "cuộc họp"
        )
        from lienhe.meetings.selectors import attendance_visible_to

        # the web's rule: a plain member reads only his own row (issue 15, finding 6)
        rows, next_cursor = paginate(
            attendance_visible_to(request.user, meeting), cursor=cursor, limit=limit
        )
        return {"items": rows, "next_cursor": next_cursor}


_attendance()
