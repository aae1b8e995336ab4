"""Real servers started by the delivery tests: an SMTP server (aiosmtpd) that can be
stopped, restarted, slowed down or made to refuse, and an HTTP server standing in
for an SMS gateway. No mock of the mail library."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """Counts every message it accepted. `reply` answers DATA (e.g. "451 ..." or
    "554 ..."); `delay` seconds are spent before answering."""

    def __init__(self):
        self.port = free_port()
        self.messages: list = []
        self.reply = "250 OK"
        self.delay = 0.0
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply.startswith("250"):
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return self.reply

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailer(self, timeout: float = 5) -> dict:
        """A MAILERS setting pointing at this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": timeout},
            }
        }

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


class SMSGateway:
    """Answers each POST with the next (status, body) of `answers` (the last one
    repeats) and records the requests."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, str]] = [(200, '{"CodeResult": "100"}')]
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode("utf-8")
                gateway.requests.append(
                    {
                        "path": self.path,
                        "body": raw,
                        "json": json.loads(raw) if "json" in self.headers["Content-Type"] else None,
                        "auth": self.headers.get("Authorization"),
                    }
                )
                status, body = (
                    gateway.answers.pop(0) if len(gateway.answers) > 1 else gateway.answers[0]
                )
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
