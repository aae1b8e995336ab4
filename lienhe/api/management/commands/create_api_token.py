from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lienhe.api import services


class Command(BaseCommand):
    help = "Tạo khóa API cho một tài khoản và in khóa ra (chỉ hiện một lần)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Dòng lệnh", help="Tên gợi nhớ của khóa")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản '{username}'.")
        try:
            _token, raw = services.create_token(user, name)
        except services.TokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
