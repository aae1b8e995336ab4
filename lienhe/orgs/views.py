from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.requests import run_form_action
from lienhe.access.scoping import has_org_permission, scope_roots
from lienhe.audit.models import AuditEvent
from lienhe.members.figures import ACTIVE, counts_by_child

from . import services
from .forms import DissolveForm, MergeForm, MoveForm, OrganizationForm, PolicyForm
from .models import Organization
from .selectors import search_organizations

EVENT_LABELS = {
    "orgs.organization.created": gettext_lazy("Thành lập"),
    "orgs.organization.renamed": gettext_lazy("Đổi tên"),
    "orgs.organization.updated": gettext_lazy("Sửa thông tin"),
    "orgs.organization.moved": gettext_lazy("Chuyển trực thuộc"),
    "orgs.organization.merged": gettext_lazy("Hợp nhất vào chi bộ khác"),
    "orgs.organization.absorbed": gettext_lazy("Tiếp nhận chi bộ hợp nhất"),
    "orgs.organization.dissolved": gettext_lazy("Giải thể"),
    "members.members.moved_on_merge": gettext_lazy("Nhận đảng viên của chi bộ hợp nhất"),
}


@login_required
def pick(request):
    """Suggestions for an organization picker (search as you type), scoped to what the
    user may see: `?q=` name without diacritics or code, `?sau=` deepest level."""
    depth = request.GET.get("sau", "")
    max_depth = min(int(depth), 10) if depth.isdigit() and int(depth) > 0 else None
    rows, more = search_organizations(
        request.user, request.GET.get("q", "")[:100], max_depth=max_depth
    )
    return JsonResponse({"results": rows, "more": more})


@require_perm("orgs:read")
def tree(request):
    roots = scope_roots(request.user, "orgs:read")
    if len(roots) == 1:
        return redirect("orgs:detail", pk=roots[0].pk)
    return render(request, "orgs/tree.html", {"roots": roots})


def _visible_org(request, pk):
    return get_visible_or_404(Organization.objects.visible_to(request.user), pk=pk)


@login_required
def detail(request, pk: int):
    org = _visible_org(request, pk)
    user = request.user
    can_read_subtree = has_org_permission(user, org, "orgs:read")
    children = (
        list(Organization.objects.get_children(org).select_related("admin_unit"))
        if can_read_subtree
        else []
    )
    counts = counts_by_child(org) if children else {}
    for child in children:
        child.figures = counts.get(child.path, {"members": 0, "working": 0, "cells": 0})
    ancestors = [
        a
        for a in Organization.objects.filter(path__in=org.ancestor_paths()[:-1])
        if user.is_superuser or has_org_permission(user, a, "orgs:read")
    ]
    own = org.members.filter(ACTIVE).aggregate(
        members=Count("id"), working=Count("id", filter=Q(is_working=True))
    )
    context = {
        "org": org,
        "children": children,
        "ancestors": ancestors,
        "totals": {
            "members": sum(c.figures["members"] for c in children) + own["members"],
            "working": sum(c.figures["working"] for c in children) + own["working"],
        },
        "can_write": has_org_permission(user, org, "orgs:write"),
        "can_members": has_org_permission(user, org, "members:read"),
        "policies": services.effective_policies(org) if can_read_subtree else {},
        "can_policy": has_org_permission(user, org, "policy:write"),
        "events": AuditEvent.objects.filter(
            object_type="orgs.organization", object_id=str(org.pk)
        ).select_related("actor")[:10],
    }
    for event in context["events"]:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return render(request, "orgs/detail.html", context)


def _form_action(request, form, action, success, org: Organization | None = None):
    """`run_form_action` for the organization pages: `OrgError` on the form, then the
    page of `org` (None: of the organization the service returned)."""
    return run_form_action(
        request,
        form,
        action,
        errors=services.OrgError,
        success=success,
        redirect_to=lambda result: reverse("orgs:detail", args=[(org or result).pk]),
    )


def _writable_org(request, pk, perm="orgs:write"):
    org = _visible_org(request, pk)
    check_org_perm(request.user, org, perm)
    return org


@require_perm("orgs:write")
def create_child(request, pk: int):
    parent = _writable_org(request, pk)
    form = OrganizationForm(request.POST or None)
    done = _form_action(
        request,
        form,
        lambda d: services.create_organization(
            parent=parent, actor=request.user, **{k: v for k, v in d.items() if k != "version"}
        ),
        lambda org: _("Đã tạo %(name)s.") % {"name": org.name},
    )
    return done or render(request, "orgs/form.html", {"form": form, "parent": parent})


@require_perm("orgs:write")
def edit(request, pk: int):
    org = _writable_org(request, pk)
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=org.pk))
    done = _form_action(
        request,
        form,
        lambda d: services.update_organization(
            org,
            expected_version=d.get("version") or 0,
            actor=request.user,
            **{k: v for k, v in d.items() if k != "version"},
        ),
        _("Đã lưu thay đổi."),
        org,
    )
    return done or render(request, "orgs/form.html", {"form": form, "org": org})


def _targets(user, exclude: Organization, kinds):
    return (
        Organization.objects.visible_to(user)
        .filter(kind__in=kinds, is_active=True)
        .exclude(path__startswith=exclude.path)
        .order_by("path")
    )


@require_perm("orgs:write")
def move(request, pk: int):
    org = _writable_org(request, pk)
    form = MoveForm(request.POST or None)
    kinds = [Organization.Kind.PROVINCE, Organization.Kind.DISTRICT, Organization.Kind.BASE]
    if org.kind == Organization.Kind.GROUP:
        kinds = [Organization.Kind.CELL]
    form.fields["new_parent"].queryset = _targets(request.user, org, kinds)

    def move_to(data):
        check_org_perm(request.user, data["new_parent"], "orgs:write")
        return services.move_subtree(org, data["new_parent"], actor=request.user)

    done = _form_action(request, form, move_to, _("Đã chuyển %(name)s.") % {"name": org.name}, org)
    return done or render(
        request, "orgs/action.html", {"form": form, "org": org, "title": _("Chuyển tổ chức")}
    )


@require_perm("orgs:write")
def merge(request, pk: int):
    org = _writable_org(request, pk)
    if org.kind != Organization.Kind.CELL:
        raise PermissionDenied
    form = MergeForm(request.POST or None)
    form.fields["target"].queryset = _targets(request.user, org, [Organization.Kind.CELL])

    def merge_into(data):
        check_org_perm(request.user, data["target"], "orgs:write")
        return services.merge_cells(org, data["target"], actor=request.user)

    done = _form_action(
        request,
        form,
        merge_into,
        lambda target: _("Đã hợp nhất vào %(name)s.") % {"name": target.name},
    )
    return done or render(
        request, "orgs/action.html", {"form": form, "org": org, "title": _("Hợp nhất chi bộ")}
    )


@require_perm("orgs:write")
def dissolve(request, pk: int):
    org = _writable_org(request, pk)
    form = DissolveForm(request.POST or None)
    done = _form_action(
        request,
        form,
        lambda d: services.dissolve(org, actor=request.user),
        _("Đã giải thể %(name)s.") % {"name": org.name},
        org,
    )
    return done or render(
        request, "orgs/action.html", {"form": form, "org": org, "title": _("Giải thể tổ chức")}
    )


@require_perm("policy:write")
def policy(request, pk: int):
    org = _writable_org(request, pk, "policy:write")
    form = PolicyForm(request.POST or None, initial={"key": request.GET.get("key")})
    done = _form_action(
        request,
        form,
        lambda d: services.set_policy(
            org, d["key"], d["value"], d["effective_from"], source=d["source"], actor=request.user
        ),
        _("Đã lưu quy định."),
        org,
    )
    return done or render(
        request,
        "orgs/policy.html",
        {"form": form, "org": org, "policies": services.effective_policies(org)},
    )
