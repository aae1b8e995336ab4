from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "lienhe.documents"
    label = "documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        from . import paper_kinds  # noqa: F401  (registers every paper kind)
