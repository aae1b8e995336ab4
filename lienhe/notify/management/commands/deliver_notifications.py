"""`python manage.py deliver_notifications` — send every due e-mail/SMS delivery now
in this process (what the worker does one task at a time). For a machine without a
worker, or to catch up after an outage; safe beside a running worker (each delivery
is claimed once). Cron, every 5 minutes:
    */5 * * * *  cd /srv/lienhe && .venv/bin/python manage.py deliver_notifications"""

from django.core.management.base import BaseCommand

from lienhe.notify import services
from lienhe.notify.models import Delivery


def _label(state: str) -> str:
    return Delivery.State(state).label if state in Delivery.State.values else state


class Command(BaseCommand):
    help = "Gửi ngay các thư điện tử, tin nhắn SMS đến hạn gửi (hoặc thử lại)."

    def handle(self, *args, **opts):
        counts = services.deliver_due()
        for name, count in counts.items():
            self.stdout.write(f"{_label(name)}: {count}")
        self.stdout.write(f"Tổng: {sum(counts.values())}")
