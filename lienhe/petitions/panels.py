"""Home panel: what waits for this user among the petitions they see."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.scoping import has_perm_anywhere

from .models import Agency, Petition


def home_panel(request) -> dict | None:
    user = request.user
    if not has_perm_anywhere(user, "petitions:read") and not user.raised_petitions.exists():
        return None
    today = timezone.localdate()
    qs = Petition.objects.visible_to(user)
    counts = qs.aggregate(
        new=Count("id", filter=Q(state=Petition.State.NEW)),
        waiting=Count("id", filter=Q(state__in=Petition.WAITING_STATES)),
        overdue=Count("id", filter=Q(state__in=Petition.WAITING_STATES, due_on__lt=today)),
        answered=Count("id", filter=Q(state=Petition.State.ANSWERED)),
    )
    handling = Agency.objects.handled_by(user).exists() and not user.is_superuser
    urgent = list(
        qs.filter(state__in=Petition.WAITING_STATES, due_on__isnull=False)
        .select_related("organization", "agency")
        .order_by("due_on", "id")[:5]
    )
    return {
        "title": _("Kiến nghị cần xử lý") if handling else _("Kiến nghị, vấn đề bức xúc"),
        "template": "petitions/_home_panel.html",
        "counts": counts,
        "urgent": urgent,
        "handling": handling,
        # A member who raised a petition sees the counts but not the list (403 there).
        "can_list": has_perm_anywhere(user, "petitions:read"),
    }
