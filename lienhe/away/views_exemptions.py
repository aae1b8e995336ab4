"""The member's application for a temporary exemption and the cell's proposal, before
the committee's decision (`views_records.exemption_create`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import check_org_perm, get_visible_or_404
from lienhe.access.scoping import has_org_permission
from lienhe.members.models import Member

from . import services
from .forms import ExemptionApplicationForm, ExemptionProposalForm
from .models import ExemptionApplication


@login_required
def application_create(request, member_pk: int):
    """The member (own page) or the cell (from the paper đơn) records the application."""
    member = get_visible_or_404(
        Member.objects.visible_to(request.user).select_related("organization"), pk=member_pk
    )
    if not services.can_act_for_member(request.user, member):
        raise PermissionDenied
    today = services.today()
    form = ExemptionApplicationForm(
        request.POST or None,
        grounds=services.exemption_grounds(member.organization),
        initial={"applied_on": today.strftime("%d/%m/%Y")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            app = services.apply_for_exemption(member, actor=request.user, **form.cleaned_data)
        except services.AwayError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi nhận đơn; chi bộ sẽ xem xét, đề nghị."))
            return redirect("away:exemption_application", pk=app.pk)
    return render(
        request,
        "away/simple_form.html",
        {
            "form": form,
            "title": _("Đơn xin tạm miễn sinh hoạt đảng: %(name)s") % {"name": member.full_name},
            "intro": _(
                "Trình tự: đảng viên làm đơn, chi bộ xem xét và đề nghị, cấp ủy quyết định."
            ),
            "submit": _("Gửi đơn"),
        },
    )


def _get_application(request, pk):
    return get_visible_or_404(
        ExemptionApplication.objects.visible_to(request.user).select_related(
            "member__organization", "organization", "exemption", "away"
        ),
        pk=pk,
    )


@login_required
def application_detail(request, pk: int):
    app = _get_application(request, pk)
    today = services.today()
    can_propose = app.status == ExemptionApplication.Status.SUBMITTED and has_org_permission(
        request.user, app.organization, "away:write"
    )
    return render(
        request,
        "away/exemption_application.html",
        {
            "app": app,
            "warning": services.chain_warning(app.member, app.start_on, app.end_on, today)
            if app.status in ExemptionApplication.OPEN
            else "",
            "can_propose": can_propose,
            "can_decide": app.status == ExemptionApplication.Status.PROPOSED
            and has_org_permission(request.user, app.organization, "away:approve"),
            "form": ExemptionProposalForm(
                initial={"version": app.version, "on": today.strftime("%d/%m/%Y")}
            )
            if can_propose
            else None,
        },
    )


@require_POST
@login_required
def application_propose(request, pk: int):
    app = _get_application(request, pk)
    check_org_perm(request.user, app.organization, "away:write")
    form = ExemptionProposalForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.propose_exemption(
                app,
                actor=request.user,
                agree=d["decision"] == "propose",
                opinion=d["opinion"],
                on=d["on"],
                expected_version=d["version"],
            )
        except services.AwayError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã ghi ý kiến của chi bộ."))
    else:
        messages.error(request, _("Hãy chọn đề nghị, ghi ý kiến và ngày chi bộ xem xét."))
    return redirect("away:exemption_application", pk=app.pk)
