from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "lienhe.petitions"
    label = "petitions"
    verbose_name = _("Kiến nghị")

    def ready(self) -> None:
        from lienhe.access.navigation import NavItem, register
        from lienhe.meetings import hooks
        from lienhe.meetings.signals import minutes_issue_raised
        from lienhe.orgs.policy import Parameter
        from lienhe.orgs.policy import register as register_param
        from lienhe.reports.home import register_panel
        from lienhe.visits.signals import visit_report_filed

        from . import (
            jobs,  # noqa: F401  (registers the daily jobs)
            panels,
            services,
        )

        register(NavItem("petitions:list", _("Kiến nghị"), "petitions:read", 60, "petitions"))
        register_panel(60, panels.home_panel)
        minutes_issue_raised.connect(
            services.petitions_from_minutes, dispatch_uid="petitions.from_minutes"
        )
        visit_report_filed.connect(
            services.petitions_from_visit, dispatch_uid="petitions.from_visit"
        )
        if services.agenda_lines not in hooks.AGENDA_PROVIDERS:
            hooks.AGENDA_PROVIDERS.append(services.agenda_lines)
        register_param(
            Parameter(
                "petition_cluster_window_days",
                _("Khoảng thời gian gom các kiến nghị trùng nội dung thành một cụm"),
                # Quy ước vận hành Lienhe: kiến nghị cùng lĩnh vực, nội dung gần giống nhau
                # trong vòng 6 tháng được coi là cùng một vấn đề (tỉnh có thể đặt khác).
                180,
                "Quy ước vận hành Lienhe (mặc định 180 ngày)",
                _("ngày"),
            )
        )
        from . import flags  # noqa: F401  (registers the red flags of the board page)
