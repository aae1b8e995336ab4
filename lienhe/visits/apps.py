from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "lienhe.visits"
    label = "visits"
    verbose_name = _("Cấp ủy dự sinh hoạt")

    def ready(self) -> None:
        from . import registry

        registry.register_all()
