from ninja import Router

from lienhe.access.permissions import ROLE_PERMISSIONS
from lienhe.access.scoping import grants

from ..errors import READ_ERRORS
from ..schemas import MeOut

router = Router(tags=["Tài khoản"])


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="Tài khoản đang dùng khóa")
def me(request):
    user = request.user
    roles = list(user.roles.select_related("organization").order_by("organization__path"))
    perms = set()
    for grant in grants(user):
        perms |= set(ROLE_PERMISSIONS.get(grant.role, ()))
    if user.is_superuser:
        perms = set().union(*ROLE_PERMISSIONS.values())
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "member_id": user.member_id,
        "is_superuser": user.is_superuser,
        "roles": [
            {
                "role": r.role,
                "organization_id": r.organization_id,
                "organization_name": r.organization.name,
            }
            for r in roles
        ],
        "permissions": sorted(perms),
    }
