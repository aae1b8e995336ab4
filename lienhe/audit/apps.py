from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lienhe.audit"
    label = "audit"
    verbose_name = _("Nhật ký")

    def ready(self):
        from . import registry, taskwatch

        # Belt and braces: the daily run also requeues tasks whose worker died.
        registry.register_all()
        # django-tasks-db has no heartbeat; inside `manage.py db_worker` Lienhe adds one
        # and requeues tasks of dead workers (see taskwatch.py).
        if taskwatch.is_worker_process():
            taskwatch.start_watch()
