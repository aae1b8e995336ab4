from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "lienhe.members"
    label = "members"
    verbose_name = _("Đảng viên")

    def ready(self) -> None:
        from lienhe.orgs import services as org_services

        from . import registry, services

        registry.register_all()

        org_services.organization_merged.connect(
            services.move_members_on_merge, dispatch_uid="members.move_on_merge"
        )
        from lienhe.audit import taskwatch

        from . import import_jobs

        if import_jobs.on_tasks_recovered not in taskwatch.recovery_hooks:
            taskwatch.recovery_hooks.append(import_jobs.on_tasks_recovered)
        if services.block_dissolve_with_members not in org_services.dissolve_blockers:
            org_services.dissolve_blockers.append(services.block_dissolve_with_members)
