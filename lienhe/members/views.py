from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from lienhe.access.guards import (
    check_org_perm,
    get_in_scope_or_404,
    get_visible_or_404,
    require_perm,
)
from lienhe.access.models import User
from lienhe.access.requests import paginate_by_ids, query_without_page
from lienhe.access.scoping import MEMBER_DOSSIER_FIELDS, has_perm_anywhere, member_fields_for
from lienhe.audit.services import record_access
from lienhe.liaison.models import Introduction
from lienhe.listcache import list_response, list_tables
from lienhe.orgs.models import AdminUnit
from lienhe.pagecache import cached_page
from lienhe.prepared import prepared
from lienhe.summaries.services import count_floor
from lienhe.urlformat import url_for

from . import services
from .exports import MemberExporter
from .filters import MemberFilter
from .forms import MemberForm, organization_choices_for
from .models import Member
from .sections import section_models, sections_for


def _filtered(request):
    visible = Member.objects.visible_to(request.user).select_related("organization")
    orgs = organization_choices_for(request.user).filter(depth__lte=3)
    return MemberFilter(request.GET or None, queryset=visible, org_choices=orgs)


# The tables a page of members reads: a cell's list adds the members introduced to it
# (lienhe/listcache.py).
_MEMBER_TABLES = list_tables(Member, Introduction)


@require_perm("members:read")
def member_list(request):
    # Built on a miss only: a cached page has its filter form and rows (issue 21).
    filterset = SimpleLazyObject(lambda: _filtered(request))
    context = {
        "filter": filterset,
        "query": query_without_page(request),
        "can_write": has_perm_anywhere(request.user, "members:write"),
        "can_export": has_perm_anywhere(request.user, "members:export"),
    }

    def rows():
        # Unfiltered, the list holds at least its scope's members (it adds the windows).
        floor = None
        if filterset.unfiltered:
            keys = [f"members.{s}" for s in Member.Status]
            floor = count_floor(request.user, "members:read", keys)
        page = paginate_by_ids(request, filterset.qs, at_least=floor)
        detail_url = url_for("members:detail")  # once per page, not per row (issue 21)
        for m in page.object_list:
            m.shown_fields = member_fields_for(request.user, m)
            m.url = detail_url(m.pk)
        return page

    return list_response(
        request,
        "members/list.html",
        "members/_list_results.html",
        context,
        rows,
        tables=_MEMBER_TABLES,
    )


@require_perm("members:export")
def member_export(request):
    return MemberExporter(_filtered(request).qs, user=request.user).export(request)


@login_required
def member_detail(request, pk: int):
    user = request.user
    member = get_in_scope_or_404(
        "members.dossier",
        user,
        lambda pk: (
            Member.objects.visible_to(user)
            .select_related("organization", "home_unit__parent")
            .filter(pk=pk)
        ),
        pk,
    )
    fields = member_fields_for(request.user, member)
    full = fields == MEMBER_DOSSIER_FIELDS
    if full:  # every view of a full dossier is recorded, the page cached or not
        record_access(request.user, "dossier", member)
    return _dossier_page(request, member, fields, full)


@cached_page(Member, AdminUnit, User, with_history_of=(Member,), more=section_models)
def _dossier_page(request, member, fields, full):
    """The dossier (or the liaison card) with the other modules' sections; kept per
    session until a table it reads is written (its path names the member, and the
    user's fields follow from the user and the member)."""
    context = {
        "member": member,
        "member_fields": fields,
        "full": full,
        "can_edit": full and _can_edit(request.user, member),
    }
    context["sections"] = sections_for(request, member, full)
    if full:
        context["history"] = history_entries(member)
    return render(request, "members/detail.html", context)


def _can_edit(user, member) -> bool:
    from lienhe.access.scoping import has_org_permission

    return has_org_permission(user, member.organization, "members:write")


@require_perm("members:write")
def member_create(request):
    orgs = organization_choices_for(request.user)
    form = MemberForm(request.POST or None, org_choices=orgs)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        check_org_perm(request.user, data["organization"], "members:write")
        try:
            member = services.create_member(actor=request.user, **data)
        except services.MemberError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thêm đảng viên %(name)s.") % {"name": member.full_name})
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "creating": True})


@require_perm("members:write")
def member_edit(request, pk: int):
    member = get_visible_or_404(Member.objects.visible_to(request.user), pk=pk)
    if not _can_edit(request.user, member):
        raise PermissionDenied
    orgs = organization_choices_for(request.user)
    form = MemberForm(request.POST or None, instance=member, org_choices=orgs)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        check_org_perm(request.user, data["organization"], "members:write")
        expected = form.cleaned_data.get("version") or 0
        member.refresh_from_db()
        try:
            services.update_member(member, expected_version=expected, actor=request.user, **data)
        except services.MemberError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "member": member})


HISTORY_SHOWN = 30


@prepared
def _history_records(member_id: int) -> QuerySet:
    """The member's HISTORY_SHOWN latest history records and the one before them."""
    return (
        Member.history.filter(id=member_id)
        .select_related("history_user")
        .order_by("-history_date")[: HISTORY_SHOWN + 1]
    )


def history_entries(member: Member) -> list[dict]:
    """Newest first, each with the list of (field label, old, new) it changed."""
    limit = HISTORY_SHOWN
    records = _history_records(member.pk)
    labels = {f.name: str(f.verbose_name) for f in Member._meta.fields}
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [(labels.get(c.field, c.field), c.old, c.new) for c in delta.changes]
        entries.append({"record": newer, "changes": changes})
    return entries[:limit]
