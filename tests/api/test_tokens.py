import pytest
from django.core.management import call_command
from django.urls import reverse

from lienhe.api.models import ApiToken, hash_token
from lienhe.api.services import TokenError, create_token, revoke_token
from lienhe.audit.models import AuditEvent


def test_token_is_stored_hashed_and_shown_once(cast):
    token, raw = create_token(cast.users["secretary_a"], "Sổ tay", actor=cast.users["secretary_a"])
    assert raw.startswith("lh_") and len(raw) > 30
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    assert AuditEvent.objects.filter(action="api.token.created").count() == 1


def test_token_needs_a_name(cast):
    with pytest.raises(TokenError):
        create_token(cast.users["secretary_a"], "  ")


def test_revoked_token_is_refused(cast, client):
    token, raw = create_token(cast.users["secretary_a"], "Sổ tay")
    ok = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    revoke_token(token, actor=cast.users["secretary_a"])
    with pytest.raises(TokenError):
        revoke_token(token)
    refused = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthorized"
    assert "khóa" in refused.json()["message"]


def test_missing_or_wrong_token_is_401(cast, client):
    assert client.get("/api/v1/members").status_code == 401
    bad = client.get("/api/v1/members", HTTP_AUTHORIZATION="Bearer lh_nope")
    assert bad.status_code == 401 and bad["WWW-Authenticate"].startswith("Bearer")


def test_session_login_does_not_open_the_api(cast, login):
    http = login(cast.users["province_staff"])
    assert http.get("/api/v1/members").status_code == 401


def test_create_api_token_command_prints_a_working_token(cast, client, capsys):
    call_command("create_api_token", "tinh", "--name", "Báo cáo tỉnh")
    raw = capsys.readouterr().out.strip()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["username"] == "tinh"
    assert ApiToken.objects.get(user=cast.users["province_staff"]).name == "Báo cáo tỉnh"


def test_token_page_creates_lists_and_revokes_own_tokens(cast, login):
    user = cast.users["secretary_a"]
    http = login(user)
    response = http.post(reverse("api:tokens"), {"name": "Điện thoại"})
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw and raw.encode() in response.content
    token = ApiToken.objects.get(user=user)
    listing = http.get(reverse("api:tokens"))
    assert "Điện thoại" in listing.content.decode() and raw.encode() not in listing.content
    response = http.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_page_keeps_what_was_typed_on_error(cast, login):
    http = login(cast.users["secretary_a"])
    response = http.post(reverse("api:tokens"), {"name": "x" * 150})
    assert response.status_code == 200 and response.context["raw"] is None
    assert "x" * 150 in response.content.decode()


def test_cannot_revoke_someone_elses_token(cast, login):
    token, _raw = create_token(cast.users["secretary_a"], "Của bí thư")
    http = login(cast.users["secretary_b"])
    assert http.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404


def test_rate_limit_per_token_returns_429_with_retry_after(cast, client, settings):
    settings.API_RATE_LIMIT = 3
    _token, raw = create_token(cast.users["secretary_a"], "a")
    _token, other = create_token(cast.users["secretary_a"], "b")
    for _ in range(3):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    limited = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    # another token of the same user has its own window
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


def test_docs_are_served_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html and "jsdelivr" not in html
    assert client.get("/api/v1/docs/tep/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/docs/tep/secret.py").status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/members" in schema["paths"]


def test_token_page_needs_a_verified_session_when_2fa_is_enforced(cast, login, settings):
    settings.LIENHE_REQUIRE_2FA = True
    http = login(cast.users["commune_staff"])  # committee staff must use 2FA
    response = http.post(reverse("api:tokens"), {"name": "vượt 2FA"})
    assert response.status_code == 302 and "xac-thuc" in response["Location"]
    assert not ApiToken.objects.exists()
    # a member (2FA optional, not enrolled) is not blocked
    member = login(cast.users["member"])
    assert member.get(reverse("api:tokens")).status_code == 200
