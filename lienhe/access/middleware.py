"""Two-factor gate: after the password, users who must (or chose to) use 2FA see
nothing but the enroll/verify pages until this session is verified."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY as SESSION_USER_KEY
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


class SessionRefreshMiddleware:
    """Sliding session expiry without a database write on every page (issue 21).

    `SESSION_SAVE_EVERY_REQUEST` re-saved the session row on each request: one UPDATE
    and commit per page view, all of an officer's tabs on the same row. Here a signed-in
    session is saved again only when its last refresh is older than
    `SESSION_REFRESH_SECONDS` (default 300 s), so the idle limit (`SESSION_COOKIE_AGE`)
    still slides, a few minutes coarser. Requests without a session cookie create
    nothing. The check runs after the view and only when the request read the session
    anyway (every signed-in page does, for its user): `/healthz` with a session cookie
    no longer loads the session just to look at its stamp (issue 21, session 8).
    `SessionMiddleware`, outside this one, saves the stamp after that."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and session.session_key:
            now = int(time.time())
            every = getattr(settings, "SESSION_REFRESH_SECONDS", 300)
            signed_in = session.get(SESSION_USER_KEY) is not None
            if signed_in and now - session.get(self.KEY, 0) >= every:
                session[self.KEY] = now  # marks the session modified: saved, expiry moved
        return response


def mark_session_refreshed(sender, request, user, **kwargs) -> None:
    """At login the session is written anyway: stamp it there, so the first page after
    login does not write it a second time (`user_logged_in` receiver)."""
    if getattr(request, "session", None) is not None:
        request.session[SessionRefreshMiddleware.KEY] = int(time.time())
