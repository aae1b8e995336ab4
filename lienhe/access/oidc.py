"""Optional single sign-on with the province's OpenID Connect provider (issue 9).

mozilla-django-oidc runs the protocol (authorization code flow, state, nonce, PKCE,
ID-token signature check against the IdP's JWKS). Lienhe only decides *who* the
proven identity is here: an existing active account matched by one claim
(`OIDC_MATCH_CLAIM`). Roles are never taken from the IdP. See docs/sso.md."""

from __future__ import annotations

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from lienhe.audit.services import log_action
from lienhe.members.validators import normalize_phone

from .middleware import SESSION_KEY as TWO_FACTOR_FREE_UNTIL

logger = logging.getLogger("lienhe.access.sso")

MATCH_CLAIMS = ("preferred_username", "email", "phone_number")
# RFC 8176 `amr` values that mean a second factor was used at the IdP.
MFA_AMR = {"mfa", "otp", "hwk"}
# Where the backend leaves what happened for the callback view (same request object).
REQUEST_ATTR = "lienhe_sso"


def match_claim() -> str:
    claim = getattr(settings, "OIDC_MATCH_CLAIM", "preferred_username")
    return claim if claim in MATCH_CLAIMS else "preferred_username"


def claim_value(claims: dict, claim: str) -> str:
    """The claim as Lienhe stores it: phone normalised like the phone login does."""
    raw = claims.get(claim)
    if not isinstance(raw, str):
        return ""
    raw = raw.strip()
    return normalize_phone(raw) if claim == "phone_number" else raw


def accounts_matching(user_model, claim: str, value: str):
    """All local accounts (active or not) that the claim value points at."""
    if claim == "email":
        return user_model.objects.filter(email__iexact=value)
    if claim == "phone_number":
        return (
            user_model.objects.filter(phone=value) if value.isdigit() else user_model.objects.none()
        )
    # Same rule as the password login (UsernameOrPhoneBackend): case-insensitive.
    return user_model.objects.filter(username__iexact=value)


def idp_did_mfa(id_payload: dict) -> bool:
    amr = id_payload.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(MFA_AMR & {str(v).lower() for v in amr})


def axes_exempt_sso(request, credentials=None) -> bool:
    """AXES_WHITELIST_CALLABLE: the OIDC callback carries no password (the IdP
    checked it), only a single-use code bound to this browser's state. Counting its
    refusals would key them on (no username, IP) and lock SSO for a whole office
    behind one NAT after five people without a Lienhe account tried."""
    return bool(credentials) and "nonce" in credentials and "password" not in credentials


def _note(request, **info) -> None:
    if request is None:
        return
    store = getattr(request, REQUEST_ATTR, None)
    if store is None:
        store = {}
        setattr(request, REQUEST_ATTR, store)
    store.update(info)


class ProvinceOIDCBackend(OIDCAuthenticationBackend):
    """Logs in an existing Lienhe account; creates a role-less one only when
    OIDC_CREATE_USERS is on."""

    def authenticate(self, request, **kwargs):
        # Password logins reach every backend too; only the OIDC callback (with
        # `nonce` from the session) is ours.
        if request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (userinfo JWTs come without a nonce)
            # The library skips the audience check: a token minted for another
            # client of the same IdP must not log in here (OIDC Core 3.1.3.7).
            aud = payload.get("aud")
            if self.OIDC_RP_CLIENT_ID not in ([aud] if isinstance(aud, str) else aud or []):
                raise SuspiciousOperation("ID token audience is not this client")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        _note(self.request, id_payload=payload)
        return super().get_or_create_user(access_token, id_token, payload)

    def describe_user_by_claims(self, claims):
        claim = match_claim()
        return f"{claim} {claim_value(claims, claim)!r}"

    def verify_claims(self, claims):
        claim = match_claim()
        value = claim_value(claims, claim)
        _note(self.request, claims=claims, claim=claim, value=value)
        # An address or phone the IdP says it has not verified proves nothing.
        verified_flag = {"email": "email_verified", "phone_number": "phone_number_verified"}
        unverified = claim in verified_flag and claims.get(verified_flag[claim]) is False
        if not value or unverified:
            _note(self.request, reason="missing_claim")
            return False
        return True

    def filter_users_by_claims(self, claims):
        claim = match_claim()
        value = claim_value(claims, claim)
        matches = list(accounts_matching(self.UserModel, claim, value).filter(is_active=True)[:2])
        if len(matches) > 1:
            _note(self.request, reason="ambiguous")
        return matches

    def create_user(self, claims):
        claim = match_claim()
        value = claim_value(claims, claim)
        if accounts_matching(self.UserModel, claim, value).exists():
            _note(self.request, reason="inactive")  # it matched, but is locked
            return None
        if not getattr(settings, "OIDC_CREATE_USERS", False):
            _note(self.request, reason="no_account")
            return None
        username = value.lower() if claim == "email" else value
        if self.UserModel.objects.filter(username__iexact=username).exists():
            _note(self.request, reason="no_account")
            return None
        return create_sso_user(self.UserModel, username=username, claims=claims)

    def update_user(self, user, claims):
        # Nothing is synced from the IdP: names, phones and roles are kept in Lienhe.
        return user


@transaction.atomic
def create_sso_user(user_model, *, username: str, claims: dict):
    """A new account with no password and no roles (OIDC_CREATE_USERS=1): it can
    log in but sees nothing until an administrator grants a role."""
    phone = normalize_phone(claims.get("phone_number") or "")
    user = user_model(
        username=username[:150],
        email=(claims.get("email") or "")[:254],
        first_name=(claims.get("given_name") or "")[:150],
        last_name=(claims.get("family_name") or "")[:150],
        phone=phone if phone.isdigit() and len(phone) <= 15 else "",
    )
    user.set_unusable_password()
    user.save()
    log_action(
        user, "access.sso.create_user", data={"claim": match_claim(), "sub": claims.get("sub", "")}
    )
    return user


def record_sso_login(request, user, *, id_payload: dict, claim: str, value: str) -> bool:
    """Audit the SSO login and apply the two-factor rule. Returns True when the
    IdP's MFA was trusted in place of Lienhe's own code for this session."""
    trusted = bool(getattr(settings, "OIDC_TRUSTS_IDP_MFA", False)) and idp_did_mfa(id_payload)
    if trusted:
        # The two-factor gate lets this session through until then; after that (a
        # very long-lived session) it asks Lienhe's own code again.
        request.session[TWO_FACTOR_FREE_UNTIL] = time.time() + settings.SESSION_COOKIE_AGE
    log_action(
        user,
        "access.sso.login",
        actor=user,
        data={
            "claim": claim,
            "value": value,
            "issuer": id_payload.get("iss", ""),
            "amr": id_payload.get("amr", []),
            "idp_mfa_trusted": trusted,
        },
    )
    return trusted


def refusal_message(info: dict) -> str:
    who = info.get("value") or ""
    reason = info.get("reason")
    if reason == "no_account":
        return _(
            "Tài khoản “%(who)s” của tỉnh chưa được cấp trong Lienhe. Hãy liên hệ quản trị "
            "hệ thống để được cấp tài khoản, hoặc đăng nhập bằng tài khoản Lienhe."
        ) % {"who": who}
    if reason == "inactive":
        return _(
            "Tài khoản Lienhe ứng với “%(who)s” đã bị khóa. Hãy liên hệ quản trị hệ thống."
        ) % {"who": who}
    if reason == "ambiguous":
        return _(
            "Có nhiều tài khoản Lienhe cùng ứng với “%(who)s” nên không thể đăng nhập tự động. "
            "Hãy liên hệ quản trị hệ thống."
        ) % {"who": who}
    if reason == "missing_claim":
        return _(
            "Hệ thống định danh của tỉnh không gửi (hoặc chưa xác minh) thông tin “%(claim)s”, "
            "nên Lienhe không tìm được tài khoản của bạn. Hãy liên hệ quản trị hệ thống."
        ) % {"claim": info.get("claim", "")}
    return _(
        "Đăng nhập bằng tài khoản của tỉnh không thành công. Hãy thử lại, hoặc đăng nhập "
        "bằng tên đăng nhập và mật khẩu."
    )


class CallbackView(OIDCAuthenticationCallbackView):
    """The IdP sends the browser back here. Success: audit + two-factor rule.
    Failure of any kind: back to the login page with a Vietnamese explanation."""

    def get(self, request):
        try:
            return super().get(request)
        except (requests.RequestException, jwt.PyJWTError, SuspiciousOperation, ValueError) as exc:
            # IdP unreachable, bad token, replayed/unknown state, nonce mismatch.
            logger.warning("SSO callback failed: %s", exc)
            _note(request, reason="error")
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        info = getattr(self.request, REQUEST_ATTR, {})
        record_sso_login(
            self.request,
            self.user,
            id_payload=info.get("id_payload", {}),
            claim=info.get("claim", match_claim()),
            value=info.get("value", ""),
        )
        return response

    def login_failure(self):
        info = getattr(self.request, REQUEST_ATTR, {})
        if info.get("reason") not in (None, "error"):
            logger.warning(
                "SSO login refused (%s): %s %r",
                info["reason"],
                info.get("claim"),
                info.get("value"),
            )
        messages.error(self.request, refusal_message(info))
        return HttpResponseRedirect(self.failure_url)
