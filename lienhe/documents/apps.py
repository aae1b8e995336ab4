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

        from . import paper_kinds, registry  # noqa: F401  (paper_kinds: every paper kind)

        registry.register_all()

        fields.BLANK_CHOICE_LABEL = _("— chọn —")

        # A date typed wrongly: say which format is expected (dates are dd/mm/yyyy).
        from django import forms

        forms.DateField.default_error_messages["invalid"] = _(
            "Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 05/11/2026."
        )
