from django.db import IntegrityError
from django.http import HttpResponse
from ninja import Header, Query, Router, Schema

from lienhe.access.scoping import MEMBER_DOSSIER_FIELDS, has_org_permission, member_fields_for
from lienhe.members import services
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from ..errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, ApiError, forbidden
from ..pagination import paginate
from ..schemas import MemberIn, MemberOut, MemberPage, MemberPatch, MemberPut
from .common import (
    clean_text,
    etag_for,
    expected_version,
    get_visible,
    require_anywhere,
    stale,
)

router = Router(tags=["Đảng viên"])

PERSONAL = (
    "birth_date",
    "gender",
    "ethnicity",
    "citizen_id",
    "email",
    "home_address",
    "joined_on",
    "official_on",
)


class MemberFilter(Schema):
    cursor: str | None = None
    limit: int = 50
    q: str | None = None
    org: int | None = None
    status: str | None = None
    is_working: bool | None = None


def serialize(user, m: Member) -> dict:
    shown = member_fields_for(user, m)
    full = shown == MEMBER_DOSSIER_FIELDS
    data = {
        "id": m.pk,
        "card_number": m.card_number,
        "full_name": m.full_name,
        "phone": m.phone,
        "organization_id": m.organization_id,
        "organization_name": m.organization.name,
        "is_working": m.is_working,
        "employer": m.employer,
        "status": m.status,
        "version": m.version,
        "dossier": full,
    }
    for name in PERSONAL:
        data[name] = getattr(m, name) if name in shown else None
    return data


def _visible(request):
    return Member.objects.visible_to(request.user).select_related("organization")


@router.get(
    "/members",
    response={200: MemberPage, **LIST_ERRORS},
    summary="Danh sách đảng viên trong phạm vi được xem",
)
def list_members(request, filters: Query[MemberFilter]):
    require_anywhere(request.user, "members:read")
    qs = _visible(request)
    if filters.org is not None:
        org = get_visible(Organization.objects.visible_to(request.user), filters.org, "tổ chức")
        qs = qs.in_subtree(org)
    if filters.status:
        qs = qs.filter(status=clean_text(filters.status))
    if filters.is_working is not None:
        qs = qs.filter(is_working=filters.is_working)
    text = clean_text(filters.q)
    if text:
        qs = qs.search(text)
    rows, next_cursor = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [serialize(request.user, m) for m in rows], "next_cursor": next_cursor}


@router.get(
    "/members/{member_id}",
    response={200: MemberOut, **READ_ERRORS},
    summary="Một đảng viên (ETag theo phiên bản)",
)
def get_member(request, member_id: int, response: HttpResponse):
    member = get_visible(_visible(request), member_id, "đảng viên")
    response["ETag"] = etag_for(member.version)
    return serialize(request.user, member)


def _target_org(user, org_id: int) -> Organization:
    org = (
        Organization.objects.visible_to(user).filter(pk=org_id).first()
        if 0 < org_id < 2**62
        else None
    )
    if org is None:
        raise ApiError(
            422,
            "validation_error",
            "Dữ liệu không hợp lệ.",
            [
                {
                    "field": "organization_id",
                    "message": "Không tìm thấy tổ chức này trong phạm vi của bạn.",
                }
            ],
        )
    if not has_org_permission(user, org, "members:write"):
        raise forbidden()
    return org


def _fields(payload: dict) -> dict:
    fields = {k: v for k, v in payload.items() if k not in ("version", "organization_id")}
    for key in (
        "card_number",
        "full_name",
        "ethnicity",
        "phone",
        "email",
        "home_address",
        "employer",
    ):
        if key in fields and fields[key] is not None:
            fields[key] = fields[key].strip()
    if "citizen_id" in fields and not fields["citizen_id"]:
        fields["citizen_id"] = None
    return fields


def _save_errors(exc: Exception) -> ApiError:
    if isinstance(exc, services.StaleEdit):
        return stale()
    if isinstance(exc, IntegrityError):
        return ApiError(409, "conflict", "Số thẻ hoặc số CCCD đã có trong hệ thống.")
    return ApiError(422, "business_rule", str(exc))


@router.post(
    "/members",
    response={201: MemberOut, **WRITE_ERRORS},
    summary="Thêm đảng viên (qua cùng quy tắc nghiệp vụ như trên web)",
)
def create_member(request, payload: MemberIn, response: HttpResponse):
    require_anywhere(request.user, "members:write")
    data = payload.dict()
    org = _target_org(request.user, data["organization_id"])
    fields = _fields(data)
    try:
        member = services.create_member(actor=request.user, organization=org, **fields)
    except (services.MemberError, IntegrityError) as exc:
        raise _save_errors(exc) from exc
    response["ETag"] = etag_for(member.version)
    response["Location"] = f"{request.path.rstrip('/')}/{member.pk}"
    return 201, serialize(request.user, member)


def _update(request, member_id: int, data: dict, if_match: str | None, response):
    require_anywhere(request.user, "members:write")
    member = get_visible(_visible(request), member_id, "đảng viên")
    if not has_org_permission(request.user, member.organization, "members:write"):
        raise forbidden()
    expected = expected_version(if_match, data.get("version"))
    if expected == -1:
        expected = member.version
    fields = _fields(data)
    if data.get("organization_id") is not None:
        fields["organization"] = _target_org(request.user, data["organization_id"])
    try:
        member = services.update_member(
            member, expected_version=expected, actor=request.user, **fields
        )
    except (services.MemberError, IntegrityError) as exc:
        raise _save_errors(exc) from exc
    member = _visible(request).filter(pk=member.pk).first() or member
    response["ETag"] = etag_for(member.version)
    return serialize(request.user, member)


@router.put(
    "/members/{member_id}",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Sửa toàn bộ hồ sơ (cần If-Match)",
)
def put_member(
    request,
    member_id: int,
    payload: MemberPut,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
):
    return _update(request, member_id, payload.dict(), if_match, response)


@router.patch(
    "/members/{member_id}",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Sửa một phần hồ sơ (cần If-Match)",
)
def patch_member(
    request,
    member_id: int,
    payload: MemberPatch,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
):
    data = payload.dict(exclude_unset=True)
    # null is "leave as is" for required fields; only these may be cleared with null.
    data = {
        k: v
        for k, v in data.items()
        if v is not None or k in ("citizen_id", "official_on", "version")
    }
    return _update(request, member_id, data, if_match, response)
