from django.urls import NoReverseMatch, reverse

from .navigation import NAV
from .permissions import ROLE_CHOICES
from .scoping import grants, has_perm_anywhere

_ROLE_LABELS = dict(ROLE_CHOICES)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    section = (match.namespace or match.url_name) if match else ""
    items = []
    for item in NAV:
        if item.perm == "self":  # pages about the user's own member record
            if not user.member_id:
                continue
        elif item.perm and not has_perm_anywhere(user, item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "active": section == item.section})
    roles = sorted({str(_ROLE_LABELS.get(g.role, g.role)) for g in grants(user)})
    # Once per request: the home page renders its panels and then the page (issue 21).
    unread = getattr(request, "_lienhe_unread", None)
    if unread is None:
        from lienhe.notify.services import unread_count

        unread = request._lienhe_unread = unread_count(user)
    return {"nav_items": items, "user_roles": roles, "unread_count": unread}
