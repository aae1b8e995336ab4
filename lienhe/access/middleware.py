"""Two-factor gate: after the password, users who must (or chose to) use 2FA see
nothing but the enroll/verify pages until this session is verified."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

EXEMPT_NAMESPACES = {"api", "api-1.0.0"}
EXEMPT_NAMES = {
    "access:login",
    "access:logout",
    "access:two_factor",
    "access:two_factor_setup",
    "access:two_factor_codes",
    "healthz",
}
# A user who needs nothing is re-checked after this many seconds (role changes).
CACHE_SECONDS = 300
SESSION_KEY = "_2fa_free_until"


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "LIENHE_REQUIRE_2FA", True):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.namespace in EXEMPT_NAMESPACES:
            return None
        if match.view_name in EXEMPT_NAMES:
            return None
        if request.session.get(SESSION_KEY, 0) > time.time():
            return None
        from .twofactor import has_device, is_required

        if has_device(user):
            target = "access:two_factor"
        elif is_required(user):
            target = "access:two_factor_setup"
        else:
            request.session[SESSION_KEY] = time.time() + CACHE_SECONDS
            return None
        url = reverse(target)
        if request.method == "GET" and not getattr(request, "htmx", False):
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


# Sliding session expiry without a write on every request (issue 21: the save cost
# 3 queries per view). The expiry moves at most this late; see docs/scaling.md.
RENEW_SECONDS = 60
RENEWED_KEY = "_renewed_at"


class SessionRenewalMiddleware:
    """Marks a signed-in session modified when it was last saved RENEW_SECONDS ago or
    more, so SessionMiddleware saves it (and pushes the expiry SESSION_COOKIE_AGE ahead)
    about once a minute instead of on every request. Sits after SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or not session.session_key:
            return response
        renewed_at = session.get(RENEWED_KEY, 0)  # loads; a stale key becomes None
        now = time.time()
        if session.session_key and now - renewed_at >= RENEW_SECONDS:
            session[RENEWED_KEY] = now
        return response


def stamp_renewal_at_login(sender, request, user, **kwargs):
    """A login saves the session anyway: stamp it so the next views do not save again."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_KEY] = time.time()
