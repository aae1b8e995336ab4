"""SMS channel behind a small interface. The backend is chosen by the dotted path in
the setting `LIENHE_SMS_BACKEND` (default: log only). A real gateway subclasses
`BaseSMSBackend` and implements `send_messages`; `HTTPSMSBackend` speaks to the
common HTTP brand-name gateways, configured by environment variables
(`LIENHE_SMS_HTTP_*`, docs/notify.md)."""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("lienhe.sms")

DEFAULT_BACKEND = "lienhe.notify.sms.LoggingSMSBackend"


@dataclass(frozen=True)
class SMS:
    phone: str
    text: str


class SMSError(Exception):
    """The gateway did not accept a message. `permanent`: retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


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


class HTTPSMSBackend(BaseSMSBackend):
    """One HTTP request per message to a brand-name SMS gateway.

    Settings (env vars of the same name, see lienhe/settings.py): the URL, the body
    template with `{phone}`, `{text}`, `{sender}` placeholders (escaped for JSON or for
    a form, by `LIENHE_SMS_HTTP_FORMAT`), basic-auth user/password or a bearer token,
    and `LIENHE_SMS_HTTP_SUCCESS`, a text the response body must contain (empty:
    any 2xx answer is success). 5xx and network errors are temporary (retried); 4xx
    and a 2xx answer without the success text are permanent (given up)."""

    def __init__(self, config: dict | None = None):
        self.config = config if config is not None else settings.LIENHE_SMS_HTTP

    def _body(self, msg: SMS) -> tuple[bytes, str]:
        cfg = self.config
        fmt = cfg.get("FORMAT", "json")
        values = {"phone": msg.phone, "text": msg.text, "sender": cfg.get("SENDER", "")}
        body = cfg["TEMPLATE"]
        for key, value in values.items():
            if fmt == "json":
                escaped = json.dumps(value, ensure_ascii=False)[1:-1]
            else:
                escaped = urllib.parse.quote_plus(value)
            body = body.replace("{" + key + "}", escaped)
        content_type = (
            "application/json; charset=utf-8"
            if fmt == "json"
            else "application/x-www-form-urlencoded; charset=utf-8"
        )
        return body.encode("utf-8"), content_type

    def send_messages(self, messages: list[SMS]) -> int:
        cfg = self.config
        if not cfg.get("URL"):
            raise SMSError("Chưa cấu hình LIENHE_SMS_HTTP_URL.", permanent=True)
        sent = 0
        for msg in messages:
            data, content_type = self._body(msg)
            request = urllib.request.Request(cfg["URL"], data=data, method="POST")
            request.add_header("Content-Type", content_type)
            if cfg.get("TOKEN"):
                request.add_header("Authorization", f"Bearer {cfg['TOKEN']}")
            elif cfg.get("USERNAME"):
                pair = f"{cfg['USERNAME']}:{cfg.get('PASSWORD', '')}".encode()
                request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
            try:
                with urllib.request.urlopen(request, timeout=cfg.get("TIMEOUT", 10)) as resp:
                    answer = resp.read(4000).decode("utf-8", "replace")
            except urllib.error.HTTPError as exc:
                answer = exc.read(500).decode("utf-8", "replace")
                raise SMSError(
                    f"HTTP {exc.code}: {answer}", permanent=400 <= exc.code < 500
                ) from exc
            except (urllib.error.URLError, OSError) as exc:
                raise SMSError(f"{type(exc).__name__}: {exc}") from exc
            success = cfg.get("SUCCESS", "")
            if success and success not in answer:
                raise SMSError(f"Cổng SMS từ chối: {answer[:500]}", permanent=True)
            logger.info("SMS to %s accepted by the gateway", msg.phone)
            sent += 1
        return sent


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
