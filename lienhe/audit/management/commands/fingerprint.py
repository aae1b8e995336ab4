"""Print per-table row counts and checksums as JSON (compare before/after a restore)."""

import json

from django.core.management.base import BaseCommand

from lienhe.audit.backup import fingerprint


class Command(BaseCommand):
    requires_system_checks = []  # must run even when another module is broken
    help = "In số dòng và mã băm SHA-256 của từng bảng (JSON)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(fingerprint(), indent=1, sort_keys=True))
