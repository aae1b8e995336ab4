from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "lienhe.access"
    label = "access"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_renewal_at_login

        user_logged_in.connect(stamp_renewal_at_login, dispatch_uid="lienhe-session-renewal")

        # Django admin is for superusers only; staff work through the app's pages.
        admin.site.has_permission = lambda request: bool(
            request.user.is_active and request.user.is_superuser
        )
        admin.site.site_header = "Lienhe — quản trị hệ thống"
