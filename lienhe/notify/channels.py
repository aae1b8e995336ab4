"""Transports for deliveries: one attempt to hand one message to the mail server or
the SMS gateway. A failure raises `DeliveryError`, marked permanent when trying again
cannot help (5xx SMTP reply, 4xx from the SMS gateway, a refused message), so the
worker gives up at once instead of retrying (docs/notify.md)."""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage, mailers

from .sms import SMS, SMSError, get_backend


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def send_email(address: str, subject: str, body: str) -> None:
    """Returns only when the mail server accepted the message."""
    message = EmailMessage(subject, body, None, [address])
    try:
        accepted = mailers.default.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        raise DeliveryError(
            f"SMTP từ chối người nhận: {exc.recipients}",
            permanent=all(500 <= code < 600 for code in codes),
        ) from exc
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if exc.smtp_error else ""
        raise DeliveryError(
            f"SMTP {exc.smtp_code}: {text}", permanent=500 <= exc.smtp_code < 600
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Connection refused, timeout, DNS failure, server hung up: try again later.
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if not accepted:
        raise DeliveryError("Máy chủ thư không nhận thư (0 thư được chấp nhận).")


def send_sms(phone: str, text: str) -> None:
    """Returns only when the gateway accepted the message."""
    try:
        accepted = get_backend().send_messages([SMS(phone, text[:300])])
    except SMSError as exc:
        raise DeliveryError(str(exc), permanent=exc.permanent) from exc
    except OSError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if not accepted:
        raise DeliveryError("Cổng SMS không nhận tin nhắn.")
