"""Accounts and roles held at organization nodes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from lienhe.members.validators import normalize_phone, validate_phone

from .permissions import ROLE_CHOICES

# Where the signed-in user's member name is read with the user (`backends.get_user`).
MEMBER_NAME_ATTRIBUTE = "_member_full_name"


class User(AbstractUser):
    phone = models.CharField(
        _("điện thoại"), max_length=15, blank=True, db_index=True, validators=[validate_phone]
    )
    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("đảng viên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    # Bumped by "log out everywhere": it is part of the session auth hash, so every
    # existing session of the user stops validating (lienhe.access.twofactor).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def save(self, *args, **kwargs):
        self.phone = normalize_phone(self.phone)
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        key_salt = "lienhe.access.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def display_name(self) -> str:
        if self.member_id:
            # Read with the signed-in user (`backends.get_user`), else from the member.
            name = self.__dict__.get(MEMBER_NAME_ATTRIBUTE)
            return name if name is not None else self.member.full_name
        return self.get_full_name() or self.username


class Role(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("tại tổ chức"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=ROLE_CHOICES)
    title = models.CharField(_("chức danh"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organization}"
