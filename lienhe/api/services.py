"""Token life cycle: create (the secret is returned once), revoke."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action

from .models import ApiToken, hash_token, new_raw_token

MAX_ACTIVE_TOKENS = 20


class TokenError(Exception):
    """A token operation the rules forbid; the message is for the user."""


@transaction.atomic
def create_token(user, name: str, *, actor=None) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Hãy đặt tên cho khóa (ví dụ: Sổ tay đảng viên trên điện thoại)."))
    if len(name) > 100:
        raise TokenError(_("Tên khóa dài quá 100 ký tự."))
    if not user.is_active:
        raise TokenError(_("Tài khoản đã bị khóa, không tạo được khóa API."))
    if ApiToken.objects.filter(user=user).active().count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("Tài khoản đã có %(n)s khóa đang dùng; hãy thu hồi khóa cũ trước.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    raw = new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=hash_token(raw), prefix=raw[:10]
    )
    log_action(
        token,
        "api.token.created",
        actor=actor,
        data={"name": name, "user": user.username, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, actor=None) -> ApiToken:
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is not None:
        raise TokenError(_("Khóa này đã bị thu hồi trước đó."))
    current.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    log_action(
        current,
        "api.token.revoked",
        actor=actor,
        data={"name": current.name, "user": current.user.username, "prefix": current.prefix},
    )
    return current
