from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwayConfig(AppConfig):
    name = "lienhe.away"
    label = "away"
    verbose_name = _("Đảng viên đi làm ăn xa")

    def ready(self) -> None:
        from . import registry

        registry.register_all()
