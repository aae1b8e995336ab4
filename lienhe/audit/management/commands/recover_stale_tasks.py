"""Requeue background tasks whose worker died (RUNNING with no recent heartbeat)."""

from django.core.management.base import BaseCommand

from lienhe.audit.taskwatch import recover_stale_tasks


class Command(BaseCommand):
    help = "Đưa lại vào hàng đợi các tác vụ nền mà tiến trình worker đã chết giữa chừng."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale",
            type=float,
            default=None,
            help="số giây không có nhịp thì coi là đã chết (mặc định LIENHE_TASK_STALE_SECONDS hoặc 90)",
        )

    def handle(self, *args, stale=None, **options):
        done = recover_stale_tasks(stale=stale)
        self.stdout.write(
            f"Đưa lại hàng đợi: {len(done['requeued'])}; đánh dấu thất bại: {len(done['failed'])}."
        )
        for key, ids in done.items():
            for task_id in ids:
                self.stdout.write(f"  [{key}] {task_id}")
