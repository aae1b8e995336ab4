"""Member page section: the residence record (workplace side and the member), or a
link to the letter (residence side, which sees only the liaison card)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.scoping import has_org_permission

from .models import Introduction
from .selectors import residence_record


def residence_section(request, member, full: bool) -> dict | None:
    if not member.is_working:
        return None
    user = request.user
    if full:
        own = getattr(user, "member_id", None) == member.pk
        if not (own or has_org_permission(user, member.organization, "liaison:read")):
            return None
        record = residence_record(member, timezone.localdate().year, memo=True)
        return {
            "template": "liaison/_member_section.html",
            "title": _("Sinh hoạt nơi cư trú năm %(y)s") % {"y": record["year"]},
            "record": record,
        }
    letter = (
        Introduction.objects.visible_to(user)
        .filter(member=member)
        .exclude(state=Introduction.State.CLOSED)
        .select_related("residence_org", "group")
        .first()
    )
    if letter is None:
        return None
    return {
        "template": "liaison/_card_section.html",
        "title": _("Giữ mối liên hệ nơi cư trú"),
        "letter": letter,
    }
