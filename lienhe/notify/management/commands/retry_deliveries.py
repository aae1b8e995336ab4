"""`python manage.py retry_deliveries` — queue every failed or given-up e-mail/SMS
again (after the mail server or SMS gateway is fixed). The worker sends them; with
`--now` this process sends them itself."""

from django.core.management.base import BaseCommand

from lienhe.notify import services
from lienhe.notify.models import Delivery


def _label(state: str) -> str:
    return Delivery.State(state).label if state in Delivery.State.values else state


class Command(BaseCommand):
    help = "Gửi lại hàng loạt thư điện tử, tin nhắn SMS gửi lỗi hoặc đã ngừng thử."

    def add_arguments(self, parser):
        parser.add_argument(
            "--state",
            choices=["failed", "given_up", "all"],
            default="all",
            help="chỉ gửi lại thư đang lỗi (failed) hoặc đã ngừng thử (given_up)",
        )
        parser.add_argument("--channel", choices=["email", "sms"])
        parser.add_argument("--now", action="store_true", help="gửi ngay trong lệnh này")

    def handle(self, *args, state, channel, now, **opts):
        qs = services.failed_deliveries()
        if state != "all":
            qs = qs.filter(state=state)
        if channel:
            qs = qs.filter(channel=channel)
        ids = list(qs.values_list("pk", flat=True))
        queued = services.retry(ids)
        self.stdout.write(f"Đã đưa vào hàng đợi: {queued}")
        if now:
            for name, count in services.deliver_due().items():
                self.stdout.write(f"{_label(name)}: {count}")
