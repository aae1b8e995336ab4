from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "lienhe.summaries"
    label = "summaries"
    verbose_name = _("Số liệu tổng hợp")

    def ready(self) -> None:
        from . import families, registry  # noqa: F401  (families: the counter families)

        registry.register_all()

        from django.db.models.signals import pre_delete

        from lienhe.orgs.models import Organization

        # An organization deleted (the admin) takes its counters with it by CASCADE
        # without a write hook: take them out of its ancestors' roll-ups too.
        pre_delete.connect(_forget, sender=Organization, dispatch_uid="summaries_forget")

        from django.db import connections
        from django.db.backends.signals import connection_created

        from lienhe import tablewrites

        # Every write's table gets a new version (cached list results read them).
        connection_created.connect(tablewrites.install, dispatch_uid="lienhe-table-writes")
        for connection in connections.all(initialized_only=True):
            tablewrites.install(connection)


def _forget(sender, instance, **kwargs) -> None:
    from .rollups import forget

    forget(instance)
