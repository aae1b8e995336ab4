from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "lienhe.petitions"
    label = "petitions"
    verbose_name = _("Kiến nghị")

    def ready(self) -> None:
        from lienhe.meetings import hooks
        from lienhe.meetings.signals import minutes_issue_raised
        from lienhe.visits.signals import visit_report_filed

        from . import registry, services

        registry.register_all()
        minutes_issue_raised.connect(
            services.petitions_from_minutes, dispatch_uid="petitions.from_minutes"
        )
        visit_report_filed.connect(
            services.petitions_from_visit, dispatch_uid="petitions.from_visit"
        )
        if services.agenda_lines not in hooks.AGENDA_PROVIDERS:
            hooks.AGENDA_PROVIDERS.append(services.agenda_lines)
