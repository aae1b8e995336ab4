"""SMS channel behind a small interface. The backend is chosen by the dotted path in
the setting `LIENHE_SMS_BACKEND` (default: log only). A real gateway subclasses
`BaseSMSBackend` and implements `send_messages`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("lienhe.sms")

DEFAULT_BACKEND = "lienhe.notify.sms.LoggingSMSBackend"


@dataclass(frozen=True)
class SMS:
    phone: str
    text: str


class BaseSMSBackend:
    def send_messages(self, messages: list[SMS]) -> int:
        """Send and return how many were accepted by the gateway."""
        raise NotImplementedError


class LoggingSMSBackend(BaseSMSBackend):
    """Writes each message to the `lienhe.sms` logger (development, closed networks)."""

    def send_messages(self, messages: list[SMS]) -> int:
        for msg in messages:
            logger.info("SMS to %s: %s", msg.phone, msg.text)
        return len(messages)


class MemorySMSBackend(BaseSMSBackend):
    """Keeps messages in `MemorySMSBackend.outbox` (tests)."""

    outbox: list[SMS] = []

    def send_messages(self, messages: list[SMS]) -> int:
        type(self).outbox.extend(messages)
        return len(messages)


def get_backend() -> BaseSMSBackend:
    path = getattr(settings, "LIENHE_SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND
    return import_string(path)()


def send_sms(phone: str, text: str) -> int:
    """Send one short message (trimmed to 300 characters). 0 when there is no phone."""
    if not phone:
        return 0
    try:
        return get_backend().send_messages([SMS(phone, text[:300])])
    except Exception:  # a gateway failure must not break the request that notified
        logger.exception("SMS to %s failed", phone)
        return 0
