"""python manage.py import_members FILE --org CODE [--commit] [--map "Tiêu đề=trường"]"""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lienhe.access.scoping import has_org_permission
from lienhe.members import importers
from lienhe.members.import_files import ImportFileError
from lienhe.orgs.models import Organization


class ProgressBar:
    def __init__(self, stream, total: int):
        self.stream, self.total, self.start = stream, max(total, 1), time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last = ""

    def __call__(self, processed: int, phase: str) -> None:
        width = 30
        done = min(width, int(width * processed / self.total))
        line = (
            f"[{'#' * done}{'.' * (width - done)}] {processed:>7}/{self.total} "
            f"{time.monotonic() - self.start:5.1f}s  {phase}"
        )
        if self.tty:
            self.stream.write("\r" + line.ljust(100))
        elif phase != self.last:
            self.stream.write(line + "\n")
        self.last = phase
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Nhập đảng viên hoặc cây tổ chức từ tệp .xlsx/.csv vào một tổ chức. Mặc định chỉ "
        "chạy thử (không ghi); thêm --commit để ghi tất cả hoặc không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="Mã tổ chức nhận dữ liệu")
        parser.add_argument("--commit", action="store_true", help="Ghi vào cơ sở dữ liệu")
        parser.add_argument("--user", help="Tài khoản ghi nhật ký (phải có quyền ghi)")
        parser.add_argument("--kind", choices=["members", "orgs"], help="Bỏ qua tự nhận loại")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TIÊU_ĐỀ=TRƯỜNG",
            help="Sửa cách ghép cột, ví dụ --map 'Mã CB=org_code' (TRƯỜNG rỗng để bỏ cột)",
        )
        parser.add_argument("--errors", type=int, default=50, help="Số lỗi in ra tối đa")

    def handle(self, *args, **o):
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}.")
        org = Organization.objects.filter(code=o["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {o['org']}.")
        actor = None
        if o["user"]:
            actor = get_user_model().objects.filter(username=o["user"]).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản {o['user']}.")
        data = path.read_bytes()
        try:
            table = importers.open_table(data, path.name)
            kind = o["kind"] or importers.detect_kind(table.headers)
            mapping = importers.detect_mapping(table.headers, kind)
            self._apply_overrides(mapping, table.headers, kind, o["map"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if actor is not None:
            perm = "members:write" if kind == "members" else "orgs:write"
            if not has_org_permission(actor, org, perm):
                raise CommandError(f"Tài khoản {actor} không có quyền {perm} tại {org}.")
        self.stdout.write(f"Tệp: {path.name} — {importers.KIND_LABELS[kind]} → {org.name}")
        for index, key in sorted(mapping.items(), key=lambda kv: int(kv[0])):
            label = importers.LABELS[kind][key]
            self.stdout.write(f"  cột «{table.headers[int(index)]}» → {label}")
        bar = ProgressBar(sys.stderr, table.estimated_rows)
        try:
            if o["commit"]:
                plan = importers.commit(
                    data, path.name, org, actor=actor, kind=kind, mapping=mapping, progress=bar
                )
            else:
                plan = importers.analyze(
                    data, path.name, org, kind=kind, mapping=mapping, progress=bar
                )
        except importers.ImportRefused as exc:
            bar.close()
            self._report(exc.plan, o["errors"])
            raise CommandError(str(exc)) from exc
        except ImportFileError as exc:
            bar.close()
            raise CommandError(str(exc)) from exc
        bar(plan.total, "xong")
        bar.close()
        self._report(plan, o["errors"])
        if not plan.ok:
            raise CommandError(f"{plan.error_count} lỗi; chưa ghi dòng nào.")
        verb = "Đã ghi" if o["commit"] else "Chạy thử (chưa ghi)"
        self.stdout.write(self.style.SUCCESS(f"{verb}: xong."))

    def _apply_overrides(self, mapping, headers, kind, overrides):
        valid = {c.key for c in importers.COLUMNS[kind]}
        for item in overrides:
            header, _sep, key = item.partition("=")
            matches = [i for i, h in enumerate(headers) if h.strip() == header.strip()]
            if not matches:
                raise CommandError(f"Không có cột tiêu đề «{header}».")
            if key and key not in valid:
                raise CommandError(
                    f"Trường «{key}» không có; chọn trong: {', '.join(sorted(valid))}"
                )
            for k in [k for k, v in mapping.items() if v == key and key]:
                del mapping[k]
            if key:
                mapping[str(matches[0])] = key
            else:
                mapping.pop(str(matches[0]), None)
        importers.check_mapping(mapping, kind)

    def _report(self, plan, limit):
        s = plan.summary()
        self.stdout.write(
            f"{s['total']} dòng: {s['creates']} thêm mới, {s['updates']} cập nhật, "
            f"{s['unchanged']} không đổi, {s['error_count']} lỗi."
        )
        for e in plan.errors[:limit]:
            self.stdout.write(f"  Dòng {e['row']}, cột {e['column']}: {e['message']}")
        if plan.error_count > limit:
            self.stdout.write(f"  … và {plan.error_count - limit} lỗi nữa.")
