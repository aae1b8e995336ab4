"""Home panel and member-page section."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lienhe.access.scoping import has_org_permission, has_perm_anywhere, paths_with

from . import fees, services
from .models import (
    AwayPeriod,
    DestinationComment,
    Exemption,
    ExemptionApplication,
    FeeDue,
    FeePayment,
    Transfer,
)
from .selectors import records_present


def home_panel(request):
    user = request.user
    today = services.today()
    ctx: dict = {"title": _("Đảng viên đi làm ăn xa"), "template": "away/_home_panel.html"}
    if has_perm_anywhere(user, "away:write"):
        from lienhe.summaries.services import totals

        from .views import contact_interval, scope_root

        # Counts of the scope from the summaries (issue 21); only the contact check,
        # whose interval is the scope's Policy, counts the periods themselves.
        c = totals(
            None if user.is_superuser else paths_with(user, "away:read"),
            ["away.current", "away.submitted", "away.cell_agreed", "fees.claims.pending"],
            today,
        )
        incoming = totals(
            None if user.is_superuser else paths_with(user, "away:write"),
            ["transfers.to.sent"],
            today,
        )["transfers.to.sent"]
        interval = contact_interval(scope_root(user))
        ctx.update(
            {
                "officer": True,
                "away": c["away.current"],
                "overdue": AwayPeriod.objects.visible_to(user)
                .contact_overdue(today, interval)
                .count(),
                "to_consider": c["away.submitted"],
                "to_approve": c["away.cell_agreed"]
                if has_perm_anywhere(user, "away:approve")
                else 0,
                "claims": c["fees.claims.pending"],
                "incoming": incoming,
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


# What `member_section` reads (the member page is kept until one is written).
MEMBER_SECTION_READS = (
    AwayPeriod,
    DestinationComment,
    Exemption,
    ExemptionApplication,
    FeeDue,
    FeePayment,
    Transfer,
)


def member_section(request, member, full: bool):
    if not full:
        return None
    user = request.user
    own = user.member_id == member.pk
    if not (own or has_org_permission(user, member.organization, "away:read")):
        return None
    today = services.today()
    # Only the lists the member has records in are read (issue 21: most have none).
    present = records_present(member.pk)
    periods = (
        list(AwayPeriod.objects.filter(member=member).select_related("destination_unit")[:5])
        if present["has_periods"]
        else []
    )
    applications = (
        list(
            ExemptionApplication.objects.filter(
                member=member, status__in=ExemptionApplication.OPEN
            )[:3]
        )
        if present["has_applications"]
        else []
    )
    return {
        "title": _("Đi làm ăn xa, tạm miễn, chuyển sinh hoạt, đảng phí"),
        "template": "away/_member_section.html",
        "member": member,
        "periods": periods,
        "has_open": any(
            p.status in (*AwayPeriod.OPEN, AwayPeriod.Status.APPROVED) for p in periods
        ),
        "exemptions": list(Exemption.objects.filter(member=member)[:5])
        if present["has_exemptions"]
        else [],
        "applications": applications,
        # The decision button only once the cell has proposed (no empty decision form).
        "proposed": any(a.status == ExemptionApplication.Status.PROPOSED for a in applications),
        # A destination comment belongs to an away period: none without one (no query).
        "comments": list(
            DestinationComment.objects.filter(
                away__member=member, received_on__isnull=False
            ).order_by("-year")[:3]
        )
        if periods
        else [],
        "transfers": list(
            Transfer.objects.filter(member=member).select_related("to_organization")[:5]
        )
        if present["has_transfers"]
        else [],
        "balance": fees.balances([member.pk], until=today)[member.pk],
        "today": today,
        "can_write": own or has_org_permission(user, member.organization, "away:write"),
        "can_approve": has_org_permission(user, member.organization, "away:approve"),
        "can_fee": has_org_permission(user, member.organization, "away:read") or own,
    }
