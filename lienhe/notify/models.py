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
    # Cannot wait for tomorrow's digest (e.g. a meeting moved today): sent at once.
    urgent = models.BooleanField(_("khẩn"), default=False)
    # The deadline the reminder is about: the digest sorts by it and shows days left.
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    # Waiting for the next daily digest on that channel (docs/notify.md).
    digest_email = models.BooleanField(default=False)
    digest_sms = models.BooleanField(default=False)

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

    class Mode(models.TextChoices):
        DIGEST = "digest", _("Gộp thành một bản tổng hợp mỗi sáng")
        IMMEDIATE = "immediate", _("Gửi ngay từng thông báo")

    mode = models.CharField(_("cách gửi"), max_length=10, choices=Mode.choices, default=Mode.DIGEST)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kênh nhận thông báo")
        verbose_name_plural = _("kênh nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user}: email={self.email} sms={self.sms} mode={self.mode}"


class Delivery(models.Model):
    """One message to one address on one channel, sent by the background worker
    (docs/notify.md). `sent` is set only after the server accepted the message."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi, sẽ thử lại")
        GIVEN_UP = "given_up", _("Đã ngừng thử")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("địa chỉ nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=250)
    body = models.TextField(_("nội dung"), blank=True)
    # Set for the daily digest: one per person, channel and day.
    digest_on = models.DateField(_("bản tổng hợp ngày"), null=True, blank=True)
    notifications = models.ManyToManyField(Notification, related_name="deliveries", blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("thử lần cuối lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("lần gửi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "digest_on"],
                condition=models.Q(digest_on__isnull=False),
                name="delivery_one_digest_per_day",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.subject}"
