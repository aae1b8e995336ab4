from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "lienhe.documents"
    label = "documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        # Django 6.1's blank choice reads "- Select an option -" and its Vietnamese
        # catalogue has no translation yet: every select in Lienhe says it in Vietnamese.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("— chọn —")
