"""`python manage.py send_reminders` — the daily reminder run (alias of run_daily).
Idempotent: running it twice the same day sends nothing twice. Cron:
    15 6 * * *  cd /srv/lienhe && .venv/bin/python manage.py send_reminders"""

import datetime as dt

from django.core.management.base import BaseCommand

from lienhe.notify.services import run_daily


class Command(BaseCommand):
    help = "Gửi nhắc hạn, cảnh báo quá hạn, bản tổng hợp hằng ngày (chạy lại không gửi trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (mặc định: hôm nay)")

    def handle(self, *args, today=None, **opts):
        day = dt.date.fromisoformat(today) if today else None
        total = 0
        for name, count in run_daily(day).items():
            total += count
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"Tổng: {total}")
