"""A console e-mail backend that prints messages readably (decoded Vietnamese
subject and body instead of MIME base64): `EMAIL_BACKEND=console`, used by
`make demo` to show the morning digest in its log."""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class ConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        self.stream.write(
            f"From: {message.from_email}\nTo: {', '.join(message.recipients())}\n"
            f"Subject: {message.subject}\n\n{message.body}\n"
        )
        self.stream.write("-" * 79 + "\n")
