"""Two-factor login enforced (LIENHE_REQUIRE_2FA on), recovery codes, reset,
log out everywhere."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienhe.access import twofactor
from lienhe.audit.models import AuditEvent

HOME = "/"


@pytest.fixture
def enforced(settings):
    settings.LIENHE_REQUIRE_2FA = True


def password_login(user, password) -> Client:
    client = Client()
    response = client.post(
        reverse("access:login"), {"username": user.username, "password": password}
    )
    assert response.status_code == 302, response.content[:500]
    return client


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def enroll(client) -> list[str]:
    client.get(reverse("access:two_factor_setup"))
    device = TOTPDevice.objects.filter(confirmed=False).latest("id")
    response = client.post(reverse("access:two_factor_setup"), {"token": code_for(device)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    return re.findall(r"<code>([a-z0-9]+)</code>", page)


def test_committee_staff_must_enroll_before_any_page(enforced, cast, password):
    staff = cast.users["commune_staff"]
    client = password_login(staff, password)
    response = client.get(reverse("members:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:two_factor_setup"))
    assert "next=" in response["Location"]

    page = client.get(reverse("access:two_factor_setup")).content.decode()
    assert "<svg" in page and "Bắt buộc" in page  # QR rendered server-side
    assert "https://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]

    wrong = client.post(reverse("access:two_factor_setup"), {"token": "000000"})
    assert wrong.status_code == 200
    assert "Mã không đúng" in wrong.content.decode()
    assert not twofactor.has_device(staff)

    codes = enroll(client)
    assert len(codes) == 10
    assert twofactor.has_device(staff)
    # Shown once only.
    again = client.get(reverse("access:two_factor_codes")).content.decode()
    assert not re.findall(r"<code>([a-z0-9]+)</code>", again)
    assert client.get(reverse("members:list")).status_code == 200
    assert AuditEvent.objects.filter(action="access.2fa.enable", object_id=str(staff.pk)).exists()


def test_new_session_must_verify_totp_or_recovery_code(enforced, cast, password):
    staff = cast.users["province_staff"]
    codes = enroll(password_login(staff, password))
    device = TOTPDevice.objects.get(user=staff, confirmed=True)

    second = password_login(staff, password)
    response = second.get(HOME)
    assert response["Location"].startswith(reverse("access:two_factor"))
    bad = second.post(reverse("access:two_factor"), {"token": "123456", "next": HOME})
    assert "không đúng" in bad.content.decode() or "quá nhiều" in bad.content.decode()
    assert second.get(HOME).status_code == 302

    # The next time step's code (the enrollment code of this step is spent).
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = second.post(reverse("access:two_factor"), {"token": code_for(device, 1), "next": HOME})
    assert ok.status_code == 302 and ok["Location"] == HOME
    assert second.get(HOME).status_code == 200

    # A recovery code works once.
    third = password_login(staff, password)
    used = codes[0]
    assert third.post(reverse("access:two_factor"), {"token": used}).status_code == 302
    assert third.get(HOME).status_code == 200
    assert not StaticToken.objects.filter(token=used).exists()
    fourth = password_login(staff, password)
    again = fourth.post(reverse("access:two_factor"), {"token": used})
    assert again.status_code == 200
    assert fourth.get(HOME).status_code == 302


def test_wrong_codes_are_throttled(enforced, cast, password):
    staff = cast.users["commune_staff"]
    enroll(password_login(staff, password))
    client = password_login(staff, password)
    client.post(reverse("access:two_factor"), {"token": "111111"})
    page = client.post(reverse("access:two_factor"), {"token": "222222"}).content.decode()
    assert "Nhập sai quá nhiều lần" in page


def test_member_not_forced_but_may_opt_in(enforced, cast, password):
    member = cast.users["member"]
    client = password_login(member, password)
    assert client.get(HOME).status_code == 200
    profile = client.get(reverse("access:profile")).content.decode()
    assert "Bật xác thực hai bước" in profile
    enroll(client)
    # Once enrolled, a new session must verify.
    other = password_login(member, password)
    assert other.get(HOME)["Location"].startswith(reverse("access:two_factor"))
    # and the optional user can turn it off from a verified session.
    response = client.post(reverse("access:two_factor_disable"))
    assert response.status_code == 302
    assert not twofactor.has_device(member)


def test_required_user_cannot_disable(enforced, cast, password):
    staff = cast.users["commune_staff"]
    client = password_login(staff, password)
    enroll(client)
    client.post(reverse("access:two_factor_disable"))
    assert twofactor.has_device(staff)


def test_setting_off_lets_staff_through(settings, cast, password):
    settings.LIENHE_REQUIRE_2FA = False
    client = password_login(cast.users["commune_staff"], password)
    assert client.get(HOME).status_code == 200


def test_htmx_request_gets_hx_redirect(enforced, cast, password):
    client = password_login(cast.users["commune_staff"], password)
    response = client.get(reverse("members:list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("access:two_factor_setup")


def test_superuser_reset_from_admin(enforced, cast, password):
    admin_user = cast.users["admin"]
    staff = cast.users["commune_staff"]
    enroll(password_login(staff, password))
    staff_session = password_login(staff, password)
    admin_client = password_login(admin_user, password)
    enroll(admin_client)
    response = admin_client.post(
        reverse("admin:access_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [staff.pk]},
    )
    assert response.status_code == 302
    assert not twofactor.has_device(staff)
    # Existing sessions ended; next login goes to enrollment again.
    assert staff_session.get(HOME)["Location"].startswith(reverse("access:login"))
    fresh = password_login(staff, password)
    assert fresh.get(HOME)["Location"].startswith(reverse("access:two_factor_setup"))
    assert AuditEvent.objects.filter(action="access.2fa.reset", actor=admin_user).exists()


def test_admin_site_needs_verified_superuser(enforced, cast, password):
    client = password_login(cast.users["admin"], password)
    assert client.get("/quan-tri/")["Location"].startswith(reverse("access:two_factor_setup"))


def test_log_out_everywhere(cast, password):
    user = cast.users["secretary_a"]
    laptop = password_login(user, password)
    phone = password_login(user, password)
    assert phone.get(HOME).status_code == 200
    response = laptop.post(reverse("access:logout_everywhere"))
    assert response["Location"] == reverse("access:login")
    assert phone.get(HOME).status_code == 302
    assert laptop.get(HOME).status_code == 302
    # Logging in again works.
    assert password_login(user, password).get(HOME).status_code == 200
    assert AuditEvent.objects.filter(action="access.sessions.end_all").count() == 1


def test_password_change_keeps_current_session_only(cast, password):
    user = cast.users["secretary_a"]
    client = password_login(user, password)
    other = password_login(user, password)
    new = "mot-mat-khau-moi-rat-dai"
    response = client.post(
        reverse("access:password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert other.get(HOME).status_code == 302
