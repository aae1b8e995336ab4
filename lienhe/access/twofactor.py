"""Two-factor login (TOTP via django-otp) and "log out everywhere".

Who must use it: superusers and anyone holding a role in `REQUIRED_ROLES` (committee
staff / organization board). Anyone else may turn it on from "Tài khoản của tôi";
once a user has a confirmed device, every new session must be verified with it.
`settings.LIENHE_REQUIRE_2FA = False` turns enforcement off (demo, tests)."""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienhe.audit.services import log_action

REQUIRED_ROLES = {"committee_staff"}
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Ứng dụng xác thực"
STATIC_NAME = "Mã dự phòng"


class TwoFactorError(Exception):
    """A user-facing failure; the message is Vietnamese."""


def enforced() -> bool:
    return bool(getattr(settings, "LIENHE_REQUIRE_2FA", True))


def is_required(user) -> bool:
    """Must this user use two-factor login (regardless of whether enrolled)?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.roles.filter(role__in=REQUIRED_ROLES).exists()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass
class Enrollment:
    device: TOTPDevice
    svg: str  # inline SVG markup of the otpauth:// QR code
    secret: str  # base32 secret for manual entry, grouped by 4


def start_enrollment(user) -> Enrollment:
    """Reuse or create the user's pending (unconfirmed) TOTP device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=5, dark="#111", light="#fff", border=2, omitsize=False)
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Enrollment(device=device, svg=svg, secret=grouped)


def _clean(token: str) -> str:
    return "".join(token.split()).replace("-", "")


@transaction.atomic
def confirm_enrollment(request, device: TOTPDevice, token: str) -> list[str]:
    """Check the first code from the app; on success the device replaces any
    previous one, fresh recovery codes are made (returned once) and the current
    session counts as verified."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(_clean(token)):
        raise TwoFactorError(
            _(
                "Mã không đúng. Hãy nhập mã 6 số đang hiện trong ứng dụng (đồng hồ máy phải đúng giờ)."
            )
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    otp_login(request, device)
    log_action(user, "access.2fa.enable", actor=user)
    return codes


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=STATIC_NAME, confirmed=True)
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        code = StaticToken.random_token()
        static.token_set.create(token=code)
        codes.append(code)
    return codes


@transaction.atomic
def regenerate_recovery_codes(user, *, actor) -> list[str]:
    if not has_device(user):
        raise TwoFactorError(_("Chưa bật xác thực hai bước."))
    codes = new_recovery_codes(user)
    log_action(user, "access.2fa.recovery_codes", actor=actor)
    return codes


def verify(request, token: str) -> str:
    """Verify a TOTP code or a recovery code for the logged-in user. Returns which
    kind matched ("totp"/"static"); raises TwoFactorError otherwise. Throttling is
    django-otp's (exponential back-off per device after a wrong code)."""
    user = request.user
    token = _clean(token)
    if not token:
        raise TwoFactorError(_("Hãy nhập mã xác thực."))
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=user, confirmed=True)
    )
    if not devices:
        raise TwoFactorError(_("Tài khoản chưa bật xác thực hai bước."))
    kind = "static" if not token.isdigit() or len(token) != 6 else "totp"
    candidates = [d for d in devices if isinstance(d, StaticDevice) == (kind == "static")]
    for device in candidates:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            wait = ""
            if info and info.get("locked_until"):
                from django.utils import timezone

                seconds = max(1, int((info["locked_until"] - timezone.now()).total_seconds()))
                wait = _(" Thử lại sau %(s)d giây.") % {"s": seconds}
            raise TwoFactorError(_("Nhập sai quá nhiều lần.") + wait)
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(token):
                otp_login(request, locked)
                if kind == "static":
                    log_action(user, "access.2fa.recovery_used", actor=user)
                return kind
    raise TwoFactorError(_("Mã xác thực không đúng."))


@transaction.atomic
def disable(user, *, actor) -> None:
    """Remove every device of `user` (self-service for optional users; superuser
    reset for anyone)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log_action(user, "access.2fa.reset" if actor != user else "access.2fa.disable", actor=actor)


def reset(user, *, actor) -> None:
    """Superuser reset (lost phone): the user enrolls again at next login."""
    if not (actor.is_superuser and actor.is_active):
        raise TwoFactorError(_("Chỉ quản trị hệ thống được đặt lại xác thực hai bước."))
    disable(user, actor=actor)
    end_all_sessions(user, actor=actor)


@transaction.atomic
def end_all_sessions(user, *, actor) -> None:
    """Log out everywhere: bumping the epoch changes the session auth hash, so
    every existing session of this user fails Django's check on its next request."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    log_action(user, "access.sessions.end_all", actor=actor)


def session_is_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))
