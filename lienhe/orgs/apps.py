from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "lienhe.orgs"
    label = "orgs"
    verbose_name = _("Tổ chức đảng")

    def ready(self):
        from django.db.backends.signals import connection_created

        from lienhe.text import register_sqlite_collation

        # Vietnamese order in SQL on SQLite too (lienhe.text.vi_order).
        connection_created.connect(register_sqlite_collation, dispatch_uid="lienhe-vi-collation")
        from lienhe import choicelabels

        # Every model class exists by now (Django imports all models before ready()).
        choicelabels.install()
        from . import registry

        registry.register_all()
