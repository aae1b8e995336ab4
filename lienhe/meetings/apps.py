from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "lienhe.meetings"
    label = "meetings"
    verbose_name = _("Sinh hoạt chi bộ")

    def ready(self) -> None:
        from lienhe.orgs import services as org_services

        from . import registry, services

        org_services.organization_merged.connect(
            services.cancel_on_merge, dispatch_uid="meetings.cancel_on_merge"
        )
        registry.register_all()
