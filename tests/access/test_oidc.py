"""Province single sign-on (OpenID Connect, issue 9) against a real little IdP.

The fake IdP is an http.server on 127.0.0.1 (ephemeral port) with a real RSA key:
it checks the client secret, the redirect URI and the PKCE verifier, signs real
RS256 ID tokens, and serves userinfo and JWKS. Nothing in mozilla-django-oidc or
Lienhe is mocked; the test plays the browser (authenticate → IdP → callback)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, clear_url_caches, include, path, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienhe.audit.models import AuditEvent
from lienhe.urls import urlpatterns as project_urlpatterns

# This module doubles as the URLconf with SSO mounted, exactly as lienhe/urls.py
# does when OIDC_RP_CLIENT_ID is set (checked in a subprocess below).
urlpatterns = [*project_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]

CLIENT_ID = "lienhe-test"
CLIENT_SECRET = "s3cret-for-tests"
CALLBACK = "http://testserver/oidc/callback/"
LOGIN = "/tai-khoan/dang-nhap/"
ROOT = Path(__file__).resolve().parents[2]


class FakeIdP:
    """Authorization codes are issued by `approve()` (what the IdP's own login page
    would do once the person has logged in there)."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.sign_with = self.key
        self.nonce_override: str | None = None
        self.audience = CLIENT_ID
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/jwks":
                    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(idp.key.public_key(), as_dict=True)
                    return self._json(200, {"keys": [{**jwk, "kid": "k1", "alg": "RS256"}]})
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in idp.access:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, idp.access[token])
                return self._json(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                idp.token_requests.append(form)
                grant = idp.codes.pop(form.get("code", ""), None)
                challenge = base64.urlsafe_b64encode(
                    hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                ).rstrip(b"=")
                if (
                    self.path != "/token"
                    or grant is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != CALLBACK
                    or challenge.decode() != grant["code_challenge"]
                ):
                    return self._json(400, {"error": "invalid_grant"})
                access_token = secrets.token_urlsafe(16)
                idp.access[access_token] = grant["claims"]
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": idp.base,
                        "aud": idp.audience,
                        "sub": grant["claims"]["sub"],
                        "iat": now,
                        "exp": now + 300,
                        "nonce": idp.nonce_override or grant["nonce"],
                        "amr": grant["amr"],
                    },
                    idp.sign_with,
                    algorithm="RS256",
                    headers={"kid": "k1"},
                )
                return self._json(
                    200,
                    {"access_token": access_token, "id_token": id_token, "token_type": "Bearer"},
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def approve(self, authorize_url: str, claims: dict, amr=("pwd",)) -> str:
        params = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "claims": {"sub": "sub-" + secrets.token_hex(4), **claims},
            "nonce": params["nonce"],
            "code_challenge": params["code_challenge"],
            "amr": list(amr),
        }
        return f"/oidc/callback/?code={code}&state={params['state']}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def idp():
    server = FakeIdP()
    yield server
    server.stop()


@pytest.fixture
def sso(settings, idp):
    """SSO switched on the way settings.py does it for OIDC_RP_CLIENT_ID."""
    settings.ROOT_URLCONF = __name__
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = idp.base + "/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = idp.base + "/token"
    settings.OIDC_OP_USER_ENDPOINT = idp.base + "/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = idp.base + "/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "lienhe.access.oidc.ProvinceOIDCBackend",
    ]
    clear_url_caches()
    idp.sign_with = idp.key
    idp.nonce_override = None
    idp.audience = CLIENT_ID
    yield settings
    clear_url_caches()


def sso_login(client: Client, idp: FakeIdP, claims: dict, amr=("pwd",), next_url=""):
    """Browser round trip; returns the callback's response."""
    start = client.get("/oidc/authenticate/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    return client.get(idp.approve(start["Location"], claims, amr))


def page_text(client: Client, url: str) -> str:
    return client.get(url).content.decode()


# --- login page ---------------------------------------------------------------


def test_login_page_has_no_sso_button_when_off(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = client.get(LOGIN).content.decode()
    assert "/oidc/authenticate/" not in page
    assert "tài khoản của tỉnh" not in page


def test_login_page_shows_the_button_when_on(sso, client, db, django_assert_max_num_queries):
    sso.OIDC_LOGIN_LABEL = "Đăng nhập bằng Tài khoản Bình Định"
    with django_assert_max_num_queries(3):
        page = client.get(LOGIN + "?next=/dang-vien/").content.decode()
    assert 'href="/oidc/authenticate/?next=%2Fdang-vien%2F"' in page
    assert "Đăng nhập bằng Tài khoản Bình Định" in page
    assert 'name="password"' in page  # local login stays on the page


def test_authenticate_sends_the_browser_to_the_idp(sso, idp, client, db):
    response = client.get("/oidc/authenticate/?next=/dang-vien/")
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == idp.base + "/authorize"
    params = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == CALLBACK
    assert params["scope"] == "openid email profile phone"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["state"] in client.session["oidc_states"]


# --- matching accounts --------------------------------------------------------


def test_matching_account_logs_in_and_is_audited(sso, idp, cast):
    user = cast.users["secretary_a"]
    client = Client()
    response = sso_login(client, idp, {"preferred_username": user.username}, next_url="/dang-vien/")
    assert response.status_code == 302 and response["Location"] == "/dang-vien/"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/tai-khoan/cua-toi/").status_code == 200
    event = AuditEvent.objects.get(action="access.sso.login")
    assert event.actor == user and event.object_id == str(user.pk)
    assert event.data["claim"] == "preferred_username"
    assert event.data["value"] == user.username
    assert event.data["issuer"] == idp.base
    assert event.data["idp_mfa_trusted"] is False
    # The code was exchanged with the secret, the redirect URI and the PKCE verifier.
    assert idp.token_requests[-1]["code_verifier"]


def test_email_match_is_case_insensitive(sso, idp, cast):
    sso.OIDC_MATCH_CLAIM = "email"
    user = cast.users["viewer"]
    user.email = "Xem.Nguyen@tinh.gov.vn"
    user.save()
    client = Client()
    response = sso_login(client, idp, {"email": "xem.nguyen@TINH.gov.vn", "email_verified": True})
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_unverified_email_is_refused(sso, idp, cast):
    sso.OIDC_MATCH_CLAIM = "email"
    user = cast.users["viewer"]
    user.email = "xem@tinh.gov.vn"
    user.save()
    client = Client()
    response = sso_login(client, idp, {"email": "xem@tinh.gov.vn", "email_verified": False})
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert "chưa xác minh" in page_text(client, response["Location"])


def test_phone_match_is_normalised_like_the_phone_login(sso, idp, cast):
    sso.OIDC_MATCH_CLAIM = "phone_number"
    user = cast.users["member"]
    user.phone = "0912345678"
    user.save()
    client = Client()
    sso_login(client, idp, {"phone_number": "+84 912 345 678"})
    assert int(client.session["_auth_user_id"]) == user.pk


def test_unknown_account_is_refused_in_vietnamese_and_nothing_is_created(sso, idp, cast):
    before = get_user_model().objects.count()
    client = Client()
    response = sso_login(client, idp, {"preferred_username": "nguoi-la"})
    assert response.status_code == 302 and response["Location"] == LOGIN + "?sso=loi"
    assert "_auth_user_id" not in client.session
    page = page_text(client, response["Location"])
    assert "Tài khoản “nguoi-la” của tỉnh chưa được cấp trong Lienhe" in page
    assert "liên hệ quản trị" in page
    assert get_user_model().objects.count() == before
    assert not AuditEvent.objects.filter(action__startswith="access.sso").exists()


def test_locked_account_is_refused(sso, idp, cast):
    user = cast.users["viewer"]
    user.is_active = False
    user.save()
    client = Client()
    response = sso_login(client, idp, {"preferred_username": user.username})
    assert "_auth_user_id" not in client.session
    assert "đã bị khóa" in page_text(client, response["Location"])


def test_ambiguous_phone_is_refused(sso, idp, cast):
    sso.OIDC_MATCH_CLAIM = "phone_number"
    for role in ("viewer", "member"):
        cast.users[role].phone = "0987654321"
        cast.users[role].save()
    client = Client()
    response = sso_login(client, idp, {"phone_number": "0987654321"})
    assert "_auth_user_id" not in client.session
    assert "Có nhiều tài khoản Lienhe" in page_text(client, response["Location"])


def test_missing_claim_is_refused(sso, idp, cast):
    client = Client()
    response = sso_login(client, idp, {"email": "x@tinh.gov.vn"})
    assert "_auth_user_id" not in client.session
    assert "preferred_username" in page_text(client, response["Location"])


def test_create_users_makes_a_role_less_account(sso, idp, cast):
    sso.OIDC_CREATE_USERS = True
    client = Client()
    response = sso_login(
        client,
        idp,
        {
            "preferred_username": "canbo.moi",
            "given_name": "Thị Hoa",
            "family_name": "Võ",
            "email": "hoa@tinh.gov.vn",
            "phone_number": "+84 903 111 222",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(username="canbo.moi")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert not user.roles.exists() and not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name, user.phone) == ("Thị Hoa", "Võ", "0903111222")
    assert AuditEvent.objects.filter(
        action="access.sso.create_user", object_id=str(user.pk)
    ).exists()
    # Roles come from Lienhe only: the new account holds no permission anywhere.
    assert client.get(reverse("members:list")).status_code == 403


def test_create_users_does_not_revive_a_locked_account(sso, idp, cast):
    sso.OIDC_CREATE_USERS = True
    user = cast.users["viewer"]
    user.is_active = False
    user.save()
    before = get_user_model().objects.count()
    client = Client()
    sso_login(client, idp, {"preferred_username": user.username})
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == before


# --- protocol failures --------------------------------------------------------


def test_id_token_signed_by_another_key_is_refused(sso, idp, cast):
    idp.sign_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = Client()
    response = sso_login(client, idp, {"preferred_username": cast.users["viewer"].username})
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert "không thành công" in page_text(client, response["Location"])


def test_wrong_nonce_is_refused(sso, idp, cast):
    idp.nonce_override = "replayed-token-nonce"
    client = Client()
    sso_login(client, idp, {"preferred_username": cast.users["viewer"].username})
    assert "_auth_user_id" not in client.session


def test_id_token_for_another_client_is_refused(sso, idp, cast):
    idp.audience = "another-app-of-the-province"
    client = Client()
    sso_login(client, idp, {"preferred_username": cast.users["viewer"].username})
    assert "_auth_user_id" not in client.session
    idp.audience = ["another-app-of-the-province", CLIENT_ID]
    sso_login(client, idp, {"preferred_username": cast.users["viewer"].username})
    assert "_auth_user_id" in client.session


def test_state_is_single_use_and_bound_to_the_session(sso, idp, cast):
    client = Client()
    start = client.get("/oidc/authenticate/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    callback = idp.approve(start["Location"], {"preferred_username": cast.users["viewer"].username})
    client.get(callback)
    assert "_auth_user_id" in client.session
    assert state not in client.session.get("oidc_states", {})
    # Someone else's browser given this callback URL (login CSRF) gets nothing.
    stranger = Client()
    response = stranger.get(callback)
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in stranger.session


def test_idp_error_and_unreachable_idp_go_back_to_login(sso, idp, cast):
    client = Client()
    start = client.get("/oidc/authenticate/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    denied = client.get(f"/oidc/callback/?error=access_denied&state={state}")
    assert denied["Location"].startswith(LOGIN)
    sso.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    down = sso_login(client, idp, {"preferred_username": cast.users["viewer"].username})
    assert down["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


# --- local login and two-factor -----------------------------------------------


def test_local_password_login_still_works_when_sso_is_on(sso, cast, password):
    client = Client()
    user = cast.users["secretary_a"]
    response = client.post(LOGIN, {"username": user.username, "password": password})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    wrong = Client().post(LOGIN, {"username": user.username, "password": "sai-mat-khau"})
    assert wrong.status_code == 200 and "không đúng" in wrong.content.decode()


def test_refused_sso_logins_do_not_lock_the_office_out(sso, idp, cast, password):
    # Six people without a Lienhe account try from the same office IP (> AXES limit).
    for i in range(sso.AXES_FAILURE_LIMIT + 1):
        sso_login(Client(), idp, {"preferred_username": f"chua-co-{i}"})
    assert not AccessAttempt.objects.exists()
    client = Client()
    sso_login(client, idp, {"preferred_username": cast.users["viewer"].username})
    assert "_auth_user_id" in client.session
    # Password guessing is still counted and locked.
    user = cast.users["secretary_a"]
    for _i in range(sso.AXES_FAILURE_LIMIT):
        Client().post(LOGIN, {"username": user.username, "password": "sai-mat-khau"})
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 5
    locked = Client().post(LOGIN, {"username": user.username, "password": password})
    assert locked.status_code != 302


@pytest.fixture
def two_factor(settings):
    settings.LIENHE_REQUIRE_2FA = True


def test_sso_login_still_asks_lienhe_2fa_for_required_roles(sso, two_factor, idp, cast):
    staff = cast.users["commune_staff"]
    client = Client()
    sso_login(client, idp, {"preferred_username": staff.username}, amr=("pwd", "otp"))
    response = client.get(reverse("members:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:two_factor_setup"))


def test_sso_login_asks_the_code_of_an_enrolled_user(sso, two_factor, idp, cast):
    user = cast.users["secretary_a"]
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    sso_login(client, idp, {"preferred_username": user.username})
    response = client.get("/")
    assert response["Location"].startswith(reverse("access:two_factor"))


def test_trusted_idp_mfa_replaces_lienhe_code(sso, two_factor, idp, cast):
    sso.OIDC_TRUSTS_IDP_MFA = True
    staff = cast.users["commune_staff"]
    client = Client()
    sso_login(client, idp, {"preferred_username": staff.username}, amr=("pwd", "otp"))
    assert client.get(reverse("members:list")).status_code == 200
    event = AuditEvent.objects.get(action="access.sso.login")
    assert event.data["idp_mfa_trusted"] is True and event.data["amr"] == ["pwd", "otp"]


def test_trust_needs_the_idp_to_say_mfa(sso, two_factor, idp, cast):
    sso.OIDC_TRUSTS_IDP_MFA = True
    staff = cast.users["commune_staff"]
    client = Client()
    sso_login(client, idp, {"preferred_username": staff.username}, amr=("pwd",))
    response = client.get(reverse("members:list"))
    assert response["Location"].startswith(reverse("access:two_factor_setup"))


# --- settings from the environment ---------------------------------------------


def _run(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "API_RATE"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "lienhe.settings", **env},
        capture_output=True,
        text=True,
    )


def test_env_switches_sso_on():
    on = _run(
        {
            "OIDC_RP_CLIENT_ID": "lienhe",
            "OIDC_RP_CLIENT_SECRET": "x",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://id.tinh.example/auth",
            "OIDC_OP_TOKEN_ENDPOINT": "https://id.tinh.example/token",
            "OIDC_OP_USER_ENDPOINT": "https://id.tinh.example/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": "https://id.tinh.example/jwks",
            "API_RATE_LIMIT": "120",
            "API_RATE_WINDOW": "30",
        },
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import reverse\n"
        "print(settings.AUTHENTICATION_BACKENDS[-1], reverse('oidc_authentication_callback'))\n"
        "print(settings.API_RATE_LIMIT, settings.API_RATE_WINDOW)\n",
    )
    assert on.returncode == 0, on.stderr
    assert on.stdout.split("\n")[:2] == [
        "lienhe.access.oidc.ProvinceOIDCBackend /oidc/callback/",
        "120 30",
    ]


def test_sso_is_off_by_default(settings):
    assert not settings.OIDC_ENABLED
    assert "lienhe.access.oidc.ProvinceOIDCBackend" not in settings.AUTHENTICATION_BACKENDS
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")


def test_half_configured_sso_fails_at_start_up():
    # Settings alone (no django.setup): a bad value must stop the process loudly.
    code = (
        "import os, importlib\n"
        "for env in ({'OIDC_RP_CLIENT_ID': 'lienhe'}, {'OIDC_MATCH_CLAIM': 'sub'}):\n"
        "    os.environ.update(env)\n"
        "    try:\n"
        "        import lienhe.settings as s; importlib.reload(s); print('started')\n"
        "    except Exception as exc:\n"
        "        print(type(exc).__name__, exc)\n"
        "    for k in env: del os.environ[k]\n"
    )
    out = _run({}, code)
    lines = out.stdout.splitlines()
    assert len(lines) == 2, out.stderr
    assert lines[0].startswith("ImproperlyConfigured") and "OIDC_OP_TOKEN_ENDPOINT" in lines[0]
    assert lines[1].startswith("ImproperlyConfigured") and "OIDC_MATCH_CLAIM" in lines[1]
