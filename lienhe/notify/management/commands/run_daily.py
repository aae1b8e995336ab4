"""Daily reminders and escalations. Idempotent: run it from cron as often as you like."""

import datetime as dt

from django.core.management.base import BaseCommand

from lienhe.notify.services import run_daily


class Command(BaseCommand):
    help = "Chạy các việc hằng ngày: nhắc hạn, cảnh báo quá hạn (chạy lại không gửi trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (mặc định: hôm nay)")

    def handle(self, *args, today=None, **opts):
        day = dt.date.fromisoformat(today) if today else None
        for name, count in run_daily(day).items():
            self.stdout.write(f"{name}: {count}")
