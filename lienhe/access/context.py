from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from .navigation import NAV
from .permissions import ROLE_CHOICES, ROLE_PERMISSIONS
from .scoping import grants

_ROLE_LABELS = dict(ROLE_CHOICES)

# What the menu shows depends only on the user's set of roles (a permission held
# anywhere), superuser, whether the account is linked to a member, and the URL prefix
# and language; NAV only grows (registry at start-up). So the entries and the role
# labels are worked out once per such profile and process, not on every page (issue 21:
# a permission check and a `reverse()` per item on every request). A role change takes
# effect on the next request: the roles themselves are read per request (`grants`).
_PROFILES: dict[tuple, tuple[tuple[tuple[str, object, str], ...], list[str]]] = {}


def _profile(user, roles: frozenset[str]) -> tuple[tuple[tuple[str, object, str], ...], list[str]]:
    superuser = bool(getattr(user, "is_superuser", False))
    linked = bool(getattr(user, "member_id", None))
    key = (roles, superuser, linked, len(NAV), get_script_prefix(), get_urlconf(), get_language())
    cached = _PROFILES.get(key)
    if cached is not None:
        return cached
    held = set().union(*(ROLE_PERMISSIONS.get(role, ()) for role in roles))
    entries = []
    for item in NAV:
        if item.perm == "self":  # pages about the user's own member record
            if not linked:
                continue
        elif item.perm and not (superuser or item.perm in held):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append((url, item.label, item.section))
    labels = sorted({str(_ROLE_LABELS.get(role, role)) for role in roles})
    cached = _PROFILES[key] = (tuple(entries), labels)
    return cached


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    section = (match.namespace or match.url_name) if match else ""
    entries, labels = _profile(user, frozenset(g.role for g in grants(user)))
    items = [
        {"url": url, "label": label, "active": section == item_section}
        for url, label, item_section in entries
    ]
    # Once per request: the home page renders its panels and then the page (issue 21).
    unread = getattr(request, "_lienhe_unread", None)
    if unread is None:
        from lienhe.notify.services import unread_count

        unread = request._lienhe_unread = unread_count(user)
    return {"nav_items": items, "user_roles": list(labels), "unread_count": unread}
