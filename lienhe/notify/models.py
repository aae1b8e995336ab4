"""In-app inbox; e-mail/SMS are delivery channels on top of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=60, db_index=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=300, blank=True)
    # Same key = same reminder: a daily job re-run does not notify twice.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class ChannelPreference(models.Model):
    """Per-user delivery channels on top of the in-app inbox (always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preference"
    )
    email = models.BooleanField(_("nhận thư điện tử"), default=True)
    sms = models.BooleanField(_("nhận tin nhắn SMS"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kênh nhận thông báo")
        verbose_name_plural = _("kênh nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user}: email={self.email} sms={self.sms}"
