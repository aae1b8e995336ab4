"""Recompute every sealed record from the live rows and re-walk every chain."""

import json
import sys

from django.core.management.base import BaseCommand

from lienhe.audit.models import RecordSeal
from lienhe.audit.sealing import chain_heads, verify_chains, verify_contents


class Command(BaseCommand):
    requires_system_checks = []  # must run even when another module is broken
    help = "Kiểm tra hồ sơ đã niêm phong có bị sửa ngoài ứng dụng không (mã thoát 1 nếu có)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--heads", help="ghi mắt xích cuối của mọi chuỗi ra tệp JSON (lưu nơi khác)"
        )
        parser.add_argument(
            "--against", help="so với tệp JSON mắt xích cuối đã lưu trước đó (phát hiện cắt đuôi)"
        )

    def handle(self, *args, heads=None, against=None, **options):
        problems = list(verify_chains()) + list(verify_contents())
        current = chain_heads()
        if against:
            with open(against, encoding="utf-8") as fh:
                saved = json.load(fh)
            now = {(h["organization_path"], h["year"]): h for h in current}
            for old in saved:
                key = (old["organization_path"], old["year"])
                head = now.get(key)
                if head is None or head["sequence"] < old["sequence"]:
                    problems.append(
                        f"[chain] {key[0]}, {key[1]}: chuỗi ngắn hơn lần lưu trước "
                        f"(trước {old['sequence']} mắt xích)"
                    )
        if heads:
            with open(heads, "w", encoding="utf-8") as fh:
                json.dump(current, fh, ensure_ascii=False, indent=1)
        total = RecordSeal.objects.count()
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            self.stderr.write(
                f"PHÁT HIỆN {len(problems)} bất thường trong {total} mắt xích, "
                f"{len(current)} chuỗi."
            )
            sys.exit(1)
        self.stdout.write(f"OK: {total} mắt xích trong {len(current)} chuỗi, không có gì bị sửa.")
