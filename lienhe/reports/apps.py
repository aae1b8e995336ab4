from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lienhe.reports"
    label = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        from . import registry

        registry.register_all()
