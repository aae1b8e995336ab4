"""The groups of a residence cell: sizes against the Policy limit, a split
suggestion, new groups, and the cell's introduced members by group."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.requests import paginate, query_without_page
from lienhe.access.scoping import has_org_permission
from lienhe.orgs.models import Organization

from . import forms, services
from .models import Introduction
from .selectors import groups_with_size


@require_perm("liaison:read")
def groups(request, pk: int):
    cell = get_visible_or_404(
        Organization.objects.visible_to(request.user).filter(kind=Organization.Kind.CELL), pk=pk
    )
    check_org_perm(request.user, cell, "liaison:read")
    can_write = has_org_permission(request.user, cell, "liaison:write")
    form = forms.NewGroupForm(request.POST or None)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.create_group(cell, name=form.cleaned_data["name"], actor=request.user)
            except services.LiaisonError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã lập tổ mới."))
                return redirect("liaison:groups", pk=pk)
    group_q = request.GET.get("to", "")
    letters = (
        Introduction.objects.filter(residence_org=cell, state__in=Introduction.LIVE_STATES)
        .select_related("member", "workplace_org", "group")
        .order_by("group__name", "member__search_name")
    )
    if group_q == "none":
        letters = letters.filter(group__isnull=True)
    elif group_q.isdigit():
        letters = letters.filter(group_id=int(group_q))
    page = paginate(request, letters)
    return render(
        request,
        "liaison/groups.html",
        {
            "cell": cell,
            "sizes": services.group_sizes(cell),
            "suggestion": services.split_suggestion(cell),
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "group_choices": list(groups_with_size(cell)),
            "can_write": can_write,
            "to": group_q,
        },
    )
