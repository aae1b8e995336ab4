from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "lienhe.summaries"
    label = "summaries"
    verbose_name = _("Số liệu tổng hợp")

    def ready(self) -> None:
        from . import families, registry  # noqa: F401  (families: the counter families)

        registry.register_all()
