"""Home panel and member-page section."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lienhe.access.scoping import has_org_permission, has_perm_anywhere, paths_with, subtree_q

from . import fees, services
from .models import (
    AwayPeriod,
    DestinationComment,
    Exemption,
    ExemptionApplication,
    FeeClaim,
    Transfer,
)


def home_panel(request):
    user = request.user
    today = services.today()
    ctx: dict = {"title": _("Đảng viên đi làm ăn xa"), "template": "away/_home_panel.html"}
    if has_perm_anywhere(user, "away:write"):
        from .views import contact_interval, scope_root

        visible = AwayPeriod.objects.visible_to(user)
        interval = contact_interval(scope_root(user))
        current = visible.current(today)
        ctx.update(
            {
                "officer": True,
                "away": current.count(),
                "overdue": visible.contact_overdue(today, interval).count(),
                "to_consider": visible.filter(status=AwayPeriod.Status.SUBMITTED).count(),
                "to_approve": visible.filter(status=AwayPeriod.Status.CELL_AGREED).count()
                if has_perm_anywhere(user, "away:approve")
                else 0,
                "claims": FeeClaim.objects.visible_to(user)
                .filter(status=FeeClaim.Status.PENDING)
                .count(),
                "incoming": Transfer.objects.filter(
                    subtree_q(paths_with(user, "away:write"), "to_organization__path"),
                    status=Transfer.Status.SENT,
                ).count(),
            }
        )
        return ctx
    if user.member_id:
        current = (
            AwayPeriod.objects.filter(member_id=user.member_id)
            .exclude(status__in=[AwayPeriod.Status.RETURNED, AwayPeriod.Status.WITHDRAWN])
            .first()
        )
        balance = fees.balances([user.member_id], until=today)[user.member_id]
        ctx.update({"officer": False, "current": current, "balance": balance})
        return ctx
    return None


def member_section(request, member, full: bool):
    if not full:
        return None
    user = request.user
    own = user.member_id == member.pk
    if not (own or has_org_permission(user, member.organization, "away:read")):
        return None
    today = services.today()
    periods = list(AwayPeriod.objects.filter(member=member).select_related("destination_unit")[:5])
    applications = list(
        ExemptionApplication.objects.filter(member=member, status__in=ExemptionApplication.OPEN)[:3]
    )
    return {
        "title": _("Đi làm ăn xa, tạm miễn, chuyển sinh hoạt, đảng phí"),
        "template": "away/_member_section.html",
        "member": member,
        "periods": periods,
        "has_open": any(
            p.status in (*AwayPeriod.OPEN, AwayPeriod.Status.APPROVED) for p in periods
        ),
        "exemptions": list(Exemption.objects.filter(member=member)[:5]),
        "applications": applications,
        # The decision button only once the cell has proposed (no empty decision form).
        "proposed": any(a.status == ExemptionApplication.Status.PROPOSED for a in applications),
        "comments": list(
            DestinationComment.objects.filter(
                away__member=member, received_on__isnull=False
            ).order_by("-year")[:3]
        ),
        "transfers": list(
            Transfer.objects.filter(member=member).select_related("to_organization")[:5]
        ),
        "balance": fees.balances([member.pk], until=today)[member.pk],
        "today": today,
        "can_write": own or has_org_permission(user, member.organization, "away:write"),
        "can_approve": has_org_permission(user, member.organization, "away:approve"),
        "can_fee": has_org_permission(user, member.organization, "away:read") or own,
    }
