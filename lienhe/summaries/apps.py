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


def _forget(sender, instance, **kwargs) -> None:
    from .rollups import forget

    forget(instance)
