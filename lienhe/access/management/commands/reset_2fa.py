"""Break-glass reset when the only superuser lost the phone and recovery codes."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lienhe.access import twofactor


class Command(BaseCommand):
    help = "Xóa thiết bị xác thực hai bước của một tài khoản và đăng xuất mọi phiên."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"Không có tài khoản {username!r}") from exc
        twofactor.disable(user, actor=None)
        twofactor.end_all_sessions(user, actor=None)
        self.stdout.write(f"Đã đặt lại xác thực hai bước cho {username}.")
