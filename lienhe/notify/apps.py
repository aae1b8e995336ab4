from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "lienhe.notify"
    label = "notify"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from . import registry

        registry.register_all()
