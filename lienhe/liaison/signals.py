"""Follow a member's change of residence: when the home commune or address of a
member with an open letter changes, the old liaison is closed (moved) and a draft
letter to the proposed new residence is created for the workplace to issue."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def remember_home(sender, instance, **kwargs) -> None:
    if not instance.pk or not instance.is_working:
        return
    from lienhe.members.models import Member

    old = Member.objects.filter(pk=instance.pk).values_list("home_unit_id", "home_address").first()
    instance._liaison_old_home = old


def follow_move(sender, instance, created: bool, **kwargs) -> None:
    old = getattr(instance, "_liaison_old_home", None)
    if created or old is None:
        return
    instance._liaison_old_home = None
    if old == (instance.home_unit_id, instance.home_address):
        return
    from . import services

    try:
        with transaction.atomic():
            draft = services.on_member_moved(instance)
    except services.LiaisonError as exc:  # the move stays recorded on the member
        logger.warning("liaison: could not follow move of member %s: %s", instance.pk, exc)
        return
    if draft is not None:
        services.system_event(
            draft,
            "moved",
            "Hồ sơ đảng viên đổi nơi cư trú; đã kết thúc giấy cũ và lập dự thảo giấy mới.",
        )
