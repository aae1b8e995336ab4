"""The committee register, the year's assignments, the assistant and compliance."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.models import User
from lienhe.access.requests import paginate, query_without_page
from lienhe.access.scoping import paths_with, subtree_q
from lienhe.documents.papers import make_paper
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.documents.templatetags.ui import percent
from lienhe.orgs.models import Organization
from lienhe.pagecache import cached_page
from lienhe.reports import figures
from lienhe.urlformat import url_for

from . import assistant, compliance, services
from .common import (
    can_manage,
    committee_choices,
    get_committee,
    pick_committee,
    pick_year,
    require_manage,
    visible_committees,
)
from .exports import CellCoverageExporter, CommitteeMemberExporter, ComplianceExporter
from .forms import AssignmentForm, CommitteeForm, CommitteeMemberForm
from .models import Committee, CommitteeMember, Position, Visit, VisitAssignment, VisitReport

# ---------------------------------------------------------------- committees


@require_perm("visits:read")
def committees(request):
    qs = (
        visible_committees(request.user)
        .annotate(n=Count("committee_members", filter=Q(committee_members__is_active=True)))
        .order_by("organization__depth", "-term_start", "pk")
    )
    page = paginate(request, qs)
    return render(
        request,
        "visits/committees.html",
        {
            "page": page,
            "can_create": bool(paths_with(request.user, "visits:manage"))
            or request.user.is_superuser,
        },
    )


def _manage_orgs(user):
    qs = Organization.objects.exclude(kind__in=[Organization.Kind.CELL, Organization.Kind.GROUP])
    if user.is_superuser:
        return qs.filter(depth__lte=3)
    return qs.filter(subtree_q(paths_with(user, "visits:manage"))).filter(depth__lte=3)


@require_perm("visits:manage")
def committee_create(request):
    form = CommitteeForm(request.POST or None, org_choices=_manage_orgs(request.user))
    if request.method == "POST" and form.is_valid():
        check_org_perm(request.user, form.cleaned_data["organization"], "visits:manage")
        try:
            committee = services.create_committee(actor=request.user, **form.cleaned_data)
        except services.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã tạo cấp ủy."))
            return redirect("visits:committee_detail", pk=committee.pk)
    return render(request, "visits/simple_form.html", {"form": form, "title": _("Thêm cấp ủy")})


def _members_qs(request, committee):
    qs = CommitteeMember.objects.visible_to(request.user).filter(committee=committee)
    q = request.GET.get("q", "")
    if q:
        qs = qs.search(q)
    position = request.GET.get("position", "")
    if position in Position.values:
        qs = qs.filter(position=position)
    if request.GET.get("inactive") != "1":
        qs = qs.filter(is_active=True)
    return qs.select_related("heads_unit", "user", "member").ranked()


@require_perm("visits:read")
def committee_detail(request, pk: int):
    committee = get_committee(request, pk)
    qs = _members_qs(request, committee)
    page = paginate(request, qs)
    units: dict[int, list[str]] = defaultdict(list)
    through = CommitteeMember.units_in_charge.through
    for cm_id, name in through.objects.filter(
        committeemember_id__in=[m.pk for m in page.object_list]
    ).values_list("committeemember_id", "organization__name"):
        units[cm_id].append(name)
    for m in page.object_list:
        m.unit_names = units.get(m.pk, [])
    query = query_without_page(request)
    template = "visits/_members_results.html" if request.htmx else "visits/committee_detail.html"
    return render(
        request,
        template,
        {
            "committee": committee,
            "page": page,
            "query": query,
            "positions": Position.choices,
            "manage": can_manage(request.user, committee),
            "minimums": services.minimums_for(committee, timezone.localdate().year),
        },
    )


@require_perm("visits:export")
def committee_export(request, pk: int):
    committee = get_committee(request, pk)
    qs = _members_qs(request, committee).prefetch_related("units_in_charge")
    return CommitteeMemberExporter(qs).export(request)


def _user_choices(committee, current=None):
    """Accounts that can act as a committee member: holders of the `visitor` role in
    the committee's organization (and the account already linked)."""
    from lienhe.access.models import Role

    q = Q(
        pk__in=Role.objects.filter(
            role="visitor", organization__path__startswith=committee.organization.path
        ).values("user_id")
    )
    if current is not None and current.user_id:
        q |= Q(pk=current.user_id)
    return User.objects.filter(q, is_active=True).order_by("username")


def _member_form_data(form) -> tuple[dict, list]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    member = data.pop("member_card", None)
    units = list(data.pop("units_in_charge", []) or [])
    data["member"] = member
    if member is not None and not data.get("full_name"):
        data["full_name"] = member.full_name
    return data, units


@require_perm("visits:manage")
def member_create(request, pk: int):
    committee = get_committee(request, pk)
    require_manage(request.user, committee)
    form = CommitteeMemberForm(
        request.POST or None, committee=committee, user_choices=_user_choices(committee)
    )
    if request.method == "POST" and form.is_valid():
        data, units = _member_form_data(form)
        try:
            cm = services.add_committee_member(
                committee, actor=request.user, units_in_charge=units, **data
            )
        except services.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thêm cấp ủy viên %(n)s.") % {"n": cm.full_name})
            return redirect("visits:member_detail", pk=cm.pk)
    return render(
        request,
        "visits/member_form.html",
        {"form": form, "committee": committee, "title": _("Thêm cấp ủy viên")},
    )


def _get_cm(request, pk: int) -> CommitteeMember:
    return get_visible_or_404(
        CommitteeMember.objects.visible_to(request.user).select_related(
            "committee__organization", "heads_unit", "user", "member"
        ),
        pk=pk,
    )


@require_perm("visits:manage")
def member_edit(request, pk: int):
    cm = _get_cm(request, pk)
    committee = cm.committee
    require_manage(request.user, committee)
    form = CommitteeMemberForm(
        request.POST or None,
        instance=cm,
        committee=committee,
        user_choices=_user_choices(committee, cm),
    )
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data.get("version") or 0
        data, units = _member_form_data(form)
        cm.refresh_from_db()
        try:
            services.update_committee_member(
                cm, expected_version=expected, actor=request.user, units_in_charge=units, **data
            )
        except services.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("visits:member_detail", pk=cm.pk)
    return render(
        request,
        "visits/member_form.html",
        {"form": form, "committee": committee, "title": _("Sửa thông tin cấp ủy viên")},
    )


@require_perm("visits:read")
def member_detail(request, pk: int):
    cm = _get_cm(request, pk)
    year = pick_year(request)
    row = compliance.member_rows(
        cm.committee, year, members=CommitteeMember.objects.filter(pk=cm.pk)
    )[0]
    visits = (
        Visit.objects.filter(committee_member=cm, year=year)
        .select_related("cell", "report")
        .order_by("planned_on")
    )
    assigned = VisitAssignment.objects.filter(committee_member=cm, year=year).select_related("cell")
    return render(
        request,
        "visits/member_detail.html",
        {
            "cm": cm,
            "row": row,
            "year": year,
            "visits": visits,
            "assigned": assigned,
            "units": list(cm.units_in_charge.all()),
            "manage": can_manage(request.user, cm.committee),
        },
    )


# ---------------------------------------------------------------- assignments


@require_perm("visits:read")
def assignments(request, pk: int):
    committee = get_committee(request, pk)
    year = pick_year(request)
    manage = can_manage(request.user, committee)
    cells = services.residence_cells(committee.organization).order_by("-is_remote", "path")
    form = AssignmentForm(request.POST or None, committee=committee, cells=cells)
    if request.method == "POST":
        require_manage(request.user, committee)
        if form.is_valid():
            try:
                services.add_assignment(
                    form.cleaned_data["committee_member"],
                    form.cleaned_data["cell"],
                    year,
                    actor=request.user,
                )
            except services.VisitError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã phân công."))
                return redirect(f"{request.path}?year={year}")
    rows = compliance.member_rows(committee, year)
    by_cm: dict[int, list] = defaultdict(list)
    for a in (
        VisitAssignment.objects.filter(committee_member__committee=committee, year=year)
        .select_related("cell")
        .order_by("cell__path")
    ):
        by_cm[a.committee_member_id].append(a)
    for r in rows:
        r.cells = by_cm.get(r.committee_member.pk, [])
        r.remote_assigned = sum(1 for a in r.cells if a.cell.is_remote)
    covered = {a.cell_id for lst in by_cm.values() for a in lst}
    remote_uncovered = list(
        services.residence_cells(committee.organization)
        .filter(is_remote=True)
        .exclude(pk__in=covered)
        .order_by("path")[:20]
    )
    remote_total = services.residence_cells(committee.organization).filter(is_remote=True).count()
    return render(
        request,
        "visits/assignments.html",
        {
            "committee": committee,
            "year": year,
            "rows": rows,
            "form": form,
            "manage": manage,
            "remote_uncovered": remote_uncovered,
            "remote_total": remote_total,
            "remote_covered": remote_total - len(remote_uncovered)
            if len(remote_uncovered) < 20
            else None,
        },
    )


@require_POST
@require_perm("visits:manage")
def assignment_delete(request, pk: int):
    assignment = get_visible_or_404(
        VisitAssignment.objects.filter(
            committee_member__in=CommitteeMember.objects.visible_to(request.user)
        ).select_related("committee_member__committee__organization", "cell"),
        pk=pk,
    )
    require_manage(request.user, assignment.committee_member.committee)
    try:
        services.remove_assignment(assignment, actor=request.user)
    except services.VisitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã bỏ phân công."))
    committee = assignment.committee_member.committee
    return redirect(f"{_url('visits:assignments', committee.pk)}?year={assignment.year}")


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@require_perm("visits:manage")
def assistant_view(request, pk: int):
    committee = get_committee(request, pk)
    require_manage(request.user, committee)
    year = pick_year(request)
    if request.method == "POST":
        keep = set(request.POST.getlist("keep")) if request.POST.get("edited") else None
        try:
            n = assistant.apply(committee, year, keep=keep, actor=request.user)
        except services.VisitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Đã lưu %(n)s lượt dự vào kế hoạch năm %(y)s.") % {"n": n, "y": year}
            )
            return redirect(f"{_url('visits:plan')}?committee={committee.pk}")
    proposal = assistant.propose(committee, year)
    # At most members × minimum rows (≈150 for a province): shown whole, to tick off.
    root = committee.organization
    parents = dict(
        Organization.objects.filter(path__startswith=root.path)
        .exclude(kind__in=[Organization.Kind.CELL, Organization.Kind.GROUP])
        .values_list("path", "name")
    )
    for v in proposal.visits:
        v.unit = parents.get(v.cell.path[: -Organization.steplen], "")
    return render(
        request,
        "visits/assistant.html",
        {
            "committee": committee,
            "year": year,
            "proposal": proposal,
            "query": f"year={year}",
            "remote": sum(1 for v in proposal.visits if v.cell.is_remote),
            "cells": len({v.cell.pk for v in proposal.visits}),
        },
    )


# ---------------------------------------------------------------- compliance


def _compliance_context(request, choices=None):
    committee = pick_committee(request, choices)
    if committee is None:
        return None
    year = pick_year(request)
    period = request.GET.get("period", "year")
    if period not in compliance.PERIODS:
        period = "year"
    start, end = compliance.period_bounds(year, period)
    # The catalogue figure counts a running period up to today (never a future date):
    # the rows count that too (`done_as_of`), so the figure reads them (issue 21).
    on = min(timezone.localdate(), end)
    rows = compliance.member_rows(committee, year, start=start, end=end, as_of=on)
    light = request.GET.get("light", "")
    shown = [r for r in rows if r.light == light] if light in ("ok", "warn", "danger") else rows
    return {
        "committee": committee,
        "year": year,
        "period": period,
        "period_label": compliance.PERIODS[period][0],
        "period_title": compliance.period_title(year, period),
        "periods": [(k, v[0]) for k, v in compliance.PERIODS.items()],
        "start": start,
        "end": end,
        "rows": shown,
        "totals": compliance.totals(rows),
        "units": compliance.unit_rows(committee, year, start=start, end=end),
        "reasons": compliance.miss_reasons(committee, year, start, end),
        "chart": compliance.bar_chart(rows),
        "light": light,
        # Sơn La's preset: "định kỳ hằng tháng" — months already over with no visit.
        "monthly_gaps": compliance.monthly_gaps(committee, year),
        # The headline figure read through the catalogue (issue 16).
        "catalogue": figures.shown(
            ["visits_done_vs_required"],
            committee.organization,
            on,
            start=start,
            given={"visits_done_vs_required": {"rows": rows}},
        ),
    }


@require_perm("visits:read")
@cached_page(Visit, VisitReport, VisitAssignment, CommitteeMember, Committee)
def compliance_view(request):
    choices = committee_choices(request.user)
    context = _compliance_context(request, choices) or {}
    if context:
        context["committees"] = choices
        context["query"] = request.GET.urlencode()
        # Per page, not per row (issue 21): the links from one reverse() and the rates
        # formatted here, not by a {% url %} and a {% percent %} tag in each of the
        # 42 member rows and 69 unit rows (a third of the page's rendering).
        detail_url = url_for("visits:member_detail")
        for r in context["rows"]:
            r.detail_url = detail_url(r.committee_member.pk)
            r.rate_text = percent(r.done, r.required)
        for u in context["units"]:
            u.coverage_text = percent(u.cells_visited, u.cells)
    return render(request, "visits/compliance.html", context)


@require_perm("visits:export")
def compliance_export(request):
    context = _compliance_context(request)
    if context is None:
        raise Http404
    fmt = request.GET.get("format", "xlsx")
    if request.GET.get("by") == "cells":
        return CellCoverageExporter(context["committee"], context["start"], context["end"]).export(
            request, fmt
        )
    return ComplianceExporter(context["rows"], context["units"]).export(request, fmt)


@require_perm("visits:read")
def compliance_pdf(request):
    context = _compliance_context(request)
    if context is None:
        raise Http404
    org = context["committee"].organization
    context["paper"] = make_paper(
        org,
        kind="BC",
        title=_("Báo cáo"),
        subtitle=_("kết quả cấp ủy viên dự sinh hoạt chi bộ %(p)s")
        % {"p": context["period_title"]},
        issued_on=timezone.localdate(),
        number_key=f"visits-compliance-{context['committee'].pk}-{context['year']}-"
        f"{context['period']}",
        recipients=[_("Ban Thường vụ (để b/c)"), _("Lưu Văn phòng")],
    )
    pdf = render_pdf("visits/compliance_pdf.html", context)
    return pdf_response(pdf, f"bao-cao-du-sinh-hoat-{context['year']}-{context['period']}.pdf")
