from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "lienhe.liaison"
    label = "liaison"
    verbose_name = _("Giữ mối liên hệ nơi cư trú")

    def ready(self) -> None:
        from lienhe.access import scoping
        from lienhe.meetings import hooks

        from . import registry

        hooks.set_working_member_source(
            lambda cell, groups, on: registry.introduced_members(cell, groups, on)
        )
        if registry.liaison_card_window not in scoping.member_windows:
            scoping.member_windows.append(registry.liaison_card_window)
        registry.register_all()
        from lienhe.audit.sealing import register_sealed

        from .services import letter_content

        register_sealed("liaison.introduction", letter_content)

        from lienhe.members import hooks as member_hooks

        from .services import follow_moves

        member_hooks.on_home_changed(follow_moves)
