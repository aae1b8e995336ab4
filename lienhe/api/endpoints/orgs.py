from django.http import HttpResponse
from ninja import Query, Router, Schema

from lienhe.orgs.models import Organization
from lienhe.text import fold

from ..errors import LIST_ERRORS, READ_ERRORS
from ..pagination import paginate
from ..schemas import OrganizationOut, OrganizationPage
from .common import clean_text, etag_for, get_visible, require_anywhere

router = Router(tags=["Tổ chức đảng"])
MAX_MATCHES = 5000


class OrgFilter(Schema):
    cursor: str | None = None
    limit: int = 50
    q: str | None = None
    kind: str | None = None
    under: int | None = None


def serialize(orgs: list[Organization]) -> list[dict]:
    parent_paths = {o.path[: -Organization.steplen] for o in orgs if o.depth > 1}
    parents = dict(
        Organization.objects.filter(path__in=parent_paths).values_list("path", "id")
        if parent_paths
        else []
    )
    return [
        {
            "id": o.pk,
            "code": o.code,
            "name": o.name,
            "kind": o.kind,
            "kind_label": str(o.get_kind_display()),
            "side": o.side,
            "depth": o.depth,
            "parent_id": parents.get(o.path[: -Organization.steplen]) if o.depth > 1 else None,
            "children_count": o.numchild,
            "is_active": o.is_active,
            "is_remote": o.is_remote,
            "address": o.address,
            "meeting_day": o.meeting_day,
            "version": o.version,
        }
        for o in orgs
    ]


def _visible(request):
    return Organization.objects.visible_to(request.user)


@router.get(
    "/organizations",
    response={200: OrganizationPage, **LIST_ERRORS},
    summary="Danh sách tổ chức (theo thứ tự cây)",
)
def list_organizations(request, filters: Query[OrgFilter]):
    require_anywhere(request.user, "orgs:read")
    qs = _visible(request)
    if filters.under is not None:
        root = get_visible(qs, filters.under, "tổ chức")
        qs = qs.in_subtree(root)
    if filters.kind:
        qs = qs.filter(kind=clean_text(filters.kind))
    text = fold(clean_text(filters.q))
    if text:
        # Organizations have no folded column; a province has a few thousand nodes, so
        # fold the scoped names here and keep the keyset pagination on the result.
        ids = [
            pk
            for pk, name, code in qs.values_list("pk", "name", "code").iterator()
            if text in fold(name) or text == fold(code)
        ][:MAX_MATCHES]
        qs = qs.filter(pk__in=ids)
    rows, next_cursor = paginate(qs, cursor=filters.cursor, limit=filters.limit, key="path")
    return {"items": serialize(rows), "next_cursor": next_cursor}


@router.get(
    "/organizations/{org_id}",
    response={200: OrganizationOut, **READ_ERRORS},
    summary="Một tổ chức (ETag theo phiên bản)",
)
def get_organization(request, org_id: int, response: HttpResponse):
    org = get_visible(_visible(request), org_id, "tổ chức")
    response["ETag"] = etag_for(org.version)
    return serialize([org])[0]


@router.get(
    "/organizations/{org_id}/children",
    response={200: OrganizationPage, **LIST_ERRORS},
    summary="Các tổ chức trực thuộc",
)
def organization_children(request, org_id: int, cursor: str | None = None, limit: int = 50):
    qs = _visible(request)
    org = get_visible(qs, org_id, "tổ chức")
    children = qs.filter(path__startswith=org.path, depth=org.depth + 1)
    rows, next_cursor = paginate(children, cursor=cursor, limit=limit, key="path")
    return {"items": serialize(rows), "next_cursor": next_cursor}
