"""Away members: going-away reports, approval, contacts, return, destination comments,
news to away members. Views stay thin; rules live in services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.models import User
from lienhe.access.requests import paginate, query_without_page, report_org, run_form_action
from lienhe.access.scoping import has_org_permission, has_perm_anywhere, paths_with, subtree_q
from lienhe.documents.papers import make_paper
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.listcache import list_response, list_tables
from lienhe.members.models import Member
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.orgs.services import effective_policy
from lienhe.pagecache import cached_page
from lienhe.urlformat import url_for

from . import services
from .exports import AwayExporter
from .forms import (
    AwayFilter,
    AwayForm,
    BroadcastForm,
    CommentForm,
    CommentRequestForm,
    ContactForm,
    OpinionForm,
    ReturnForm,
)
from .models import (
    AwayPeriod,
    Contact,
    DestinationComment,
    Exemption,
    ExemptionApplication,
    Transfer,
)
from .selectors import REPORT_KINDS, scope_orgs, scope_root


def _org_or_root(request) -> Organization:
    """The `org` query parameter (404 outside scope), or the scope root."""
    return report_org(request, "away:read", kinds=REPORT_KINDS)


def contact_interval(org: Organization | None) -> int:
    if org is None:
        from lienhe.orgs.policy import PARAMETERS

        return int(PARAMETERS["away_contact_interval_days"].default)
    return int(effective_policy(org, "away_contact_interval_days", services.today()))


def _page(request, qs, detail: str | None = None):
    """The page and the query string without `page`; with `detail` (a route taking the
    row's pk), each row's `url`, reversed once per page rather than per row."""
    page = paginate(request, qs)
    if detail:
        url = url_for(detail)
        for row in page.object_list:
            row.url = url(row.pk)
    return page, query_without_page(request)


def _filtered(request):
    visible = AwayPeriod.objects.visible_to(request.user).select_related(
        "member", "organization", "destination_unit"
    )
    f = AwayFilter(request.GET or None, queryset=visible, org_choices=scope_orgs(request.user))
    f.interval_days = contact_interval(scope_root(request.user))
    return f


# The tables a page of away members reads (lienhe/listcache.py).
_AWAY_TABLES = list_tables(AwayPeriod, Contact, Member, AdminUnit)


@require_perm("away:read")
def away_list(request):
    f = _filtered(request)
    interval = f.interval_days

    def rows():
        page, _query = _page(request, f.qs, "away:detail")
        for a in page.object_list:
            a.contact_due = a.contact_due_on(interval)
        return page

    context = {
        "filter": f,
        "query": query_without_page(request),
        "interval": interval,
        "can_write": has_perm_anywhere(request.user, "away:write"),
    }
    return list_response(
        request, "away/list.html", "away/_list_results.html", context, rows, tables=_AWAY_TABLES
    )


@require_perm("away:export")
def away_export(request):
    f = _filtered(request)
    return AwayExporter(f.qs, f.interval_days).export(request)


def _member_for_filing(request, member_pk: int | None) -> Member:
    if member_pk is None:
        if not request.user.member_id:
            raise Http404
        return Member.objects.select_related("organization").get(pk=request.user.member_id)
    member = get_visible_or_404(
        Member.objects.visible_to(request.user).select_related("organization"), pk=member_pk
    )
    if not services.can_act_for_member(request.user, member):
        raise PermissionDenied
    return member


@login_required
def away_file(request, member_pk: int | None = None):
    """Self-service (no member_pk) or the cell filing for one of its members."""
    member = _member_for_filing(request, member_pk)
    form = AwayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            away = services.file_away(member, actor=request.user, **data)
        except services.AwayError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Đã gửi báo cáo đi làm ăn xa. Chi bộ sẽ xem xét và báo cáo đảng ủy.")
            )
            return redirect("away:detail", pk=away.pk)
    return render(request, "away/form.html", {"form": form, "member": member, "creating": True})


def _get_away(request, pk: int) -> AwayPeriod:
    return get_visible_or_404(
        AwayPeriod.objects.visible_to(request.user).select_related(
            "member", "organization", "destination_unit", "approved_by"
        ),
        pk=pk,
    )


@login_required
@cached_page(
    AwayPeriod,
    Contact,
    DestinationComment,
    Exemption,
    ExemptionApplication,
    Transfer,
    Member,
    User,
    AdminUnit,
)
def away_detail(request, pk: int):
    away = _get_away(request, pk)
    user = request.user
    own = user.member_id == away.member_id
    can_write = has_org_permission(user, away.organization, "away:write")
    can_approve = has_org_permission(user, away.organization, "away:approve")
    interval = contact_interval(away.organization)
    year = services.today().year
    comments = {c.year: c for c in away.comments.all()}
    context = {
        "away": away,
        "own": own,
        "can_write": can_write,
        "can_approve": can_approve,
        # The decision follows an application the cell proposed: no button before that.
        "can_decide": can_approve
        and away.status == AwayPeriod.Status.APPROVED
        and services.pending_application(away.member) is not None,
        "can_edit": (own or can_write)
        and away.status in (*AwayPeriod.OPEN, AwayPeriod.Status.APPROVED),
        "contacts": away.contacts.select_related("by")[:50],
        "contact_due": away.contact_due_on(interval),
        "interval": interval,
        "comments": sorted(comments.values(), key=lambda c: -c.year),
        "this_year_comment": comments.get(year),
        "exemptions": Exemption.objects.filter(member=away.member).order_by("-start_on")[:10],
        "transfers": Transfer.objects.filter(member=away.member).select_related("to_organization")[
            :10
        ],
        "opinion_form": OpinionForm(initial={"version": away.version}),
        "contact_form": ContactForm(),
        "return_form": ReturnForm(
            initial={"version": away.version, "on": services.today().strftime("%d/%m/%Y")}
        ),
        "comment_request_form": CommentRequestForm(
            initial={"authority": f"UBND {away.destination_label}"}
        ),
        "comment_form": CommentForm(),
    }
    return render(request, "away/detail.html", context)


@login_required
def away_edit(request, pk: int):
    away = _get_away(request, pk)
    if not services.can_act_for_member(request.user, away.member):
        raise PermissionDenied
    form = AwayForm(request.POST or None, instance=away)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        expected = form.cleaned_data.get("version") or 0
        away.refresh_from_db()
        try:
            services.update_away(away, expected_version=expected, actor=request.user, **data)
        except services.AwayError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu báo cáo."))
            return redirect("away:detail", pk=away.pk)
    return render(request, "away/form.html", {"form": form, "member": away.member, "away": away})


def _post_action(request, away, form, action, success):
    """Run a service from a POSTed form; on error show the detail page's message."""
    return run_form_action(
        request,
        form,
        action,
        errors=services.AwayError,
        success=success,
        redirect_to=reverse("away:detail", args=[away.pk]),
        inline=False,
    )


@require_POST
@login_required
def away_consider(request, pk: int):
    away = _get_away(request, pk)
    check_org_perm(request.user, away.organization, "away:write")
    return _post_action(
        request,
        away,
        OpinionForm(request.POST),
        lambda d: services.cell_consider(
            away,
            actor=request.user,
            agree=d["decision"] == "agree",
            opinion=d["note"],
            expected_version=d.get("version"),
        ),
        _("Đã ghi ý kiến chi bộ."),
    )


@require_POST
@login_required
def away_approve(request, pk: int):
    away = _get_away(request, pk)
    check_org_perm(request.user, away.organization, "away:approve")

    def act(d):
        if d["decision"] == "agree":
            services.approve_away(
                away, actor=request.user, note=d["note"], expected_version=d.get("version")
            )
        else:
            services.committee_request_changes(
                away, actor=request.user, note=d["note"], expected_version=d.get("version")
            )

    return _post_action(request, away, OpinionForm(request.POST), act, _("Đã ghi ý kiến đảng ủy."))


@require_POST
@login_required
def away_withdraw(request, pk: int):
    away = _get_away(request, pk)
    if not services.can_act_for_member(request.user, away.member):
        raise PermissionDenied
    try:
        services.withdraw_away(away, actor=request.user)
    except services.AwayError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã rút báo cáo."))
    return redirect("away:detail", pk=away.pk)


@require_POST
@login_required
def away_contact(request, pk: int):
    away = _get_away(request, pk)
    if not services.can_act_for_member(request.user, away.member):
        raise PermissionDenied
    return _post_action(
        request,
        away,
        ContactForm(request.POST),
        lambda d: services.record_contact(
            away, actor=request.user, on=d["on"], kind=d["kind"], note=d["note"]
        ),
        _("Đã ghi nhận liên lạc."),
    )


@require_POST
@login_required
def away_return(request, pk: int):
    away = _get_away(request, pk)
    check_org_perm(request.user, away.organization, "away:write")
    return _post_action(
        request,
        away,
        ReturnForm(request.POST),
        lambda d: services.mark_returned(
            away,
            actor=request.user,
            on=d["on"],
            note=d["note"],
            no_comment_reason=d.get("no_comment_reason", ""),
            expected_version=d.get("version"),
        ),
        _("Đã ghi nhận đảng viên trở về địa phương."),
    )


@require_POST
@login_required
def away_comment_request(request, pk: int):
    away = _get_away(request, pk)
    check_org_perm(request.user, away.organization, "away:write")
    return _post_action(
        request,
        away,
        CommentRequestForm(request.POST),
        lambda d: services.request_destination_comment(
            away, actor=request.user, year=d["year"], authority=d["authority"]
        ),
        _("Đã cấp số công văn đề nghị nhận xét; bấm “In công văn” để in."),
    )


@require_POST
@login_required
def away_comment_record(request, pk: int):
    away = _get_away(request, pk)
    check_org_perm(request.user, away.organization, "away:write")
    return _post_action(
        request,
        away,
        CommentForm(request.POST),
        lambda d: services.record_destination_comment(
            away,
            actor=request.user,
            year=d["year"],
            authority=d["authority"],
            text=d["text"],
            received_on=d["received_on"],
        ),
        _("Đã ghi nhận xét của nơi đến."),
    )


def _issuer_context(org: Organization, on: dt.date, number: str, **paper) -> dict:
    """The paper of the base committee above `org` (the issuer of every away paper)."""
    base = services.base_committee(org)
    made = make_paper(base, issued_on=on, number=number, **paper)
    return {"paper": made, "issuer": made.issuer_text}


@login_required
def away_decision_pdf(request, pk: int):
    away = _get_away(request, pk)
    if away.status not in (AwayPeriod.Status.APPROVED, AwayPeriod.Status.RETURNED):
        raise Http404
    ctx = _issuer_context(
        away.organization,
        away.approved_on,
        away.decision_number,
        kind="TB",
        title=_("Thông báo"),
        subtitle=_("về việc đảng viên đi làm ăn xa nơi cư trú"),
        recipients=[
            _("Đồng chí %(name)s") % {"name": away.member.full_name},
            away.organization.name,
            _("Lưu Văn phòng"),
        ],
    )
    ctx["away"] = away
    pdf = render_pdf("away/pdf/decision.html", ctx)
    return pdf_response(pdf, f"thong-bao-di-lam-an-xa-{away.pk}.pdf")


@login_required
def away_comment_letter(request, pk: int, year: int):
    away = _get_away(request, pk)
    check_org_perm(request.user, away.organization, "away:write")
    comment = DestinationComment.objects.filter(away=away, year=year).first()
    if comment is None or not comment.request_number:
        raise Http404
    ctx = _issuer_context(
        away.organization,
        comment.requested_on,
        comment.request_number,
        kind="CV",
        subtitle=_("V/v đề nghị nhận xét đảng viên đi làm ăn xa năm %(year)s")
        % {"year": comment.year},
        recipients=[_("Như trên"), away.organization.name, _("Lưu Văn phòng")],
    )
    due = str(effective_policy(away.organization, "away_comment_due", comment.requested_on))
    month, day = (due.split("-") + ["11", "30"])[:2]
    ctx.update({"away": away, "comment": comment, "due_day": day, "due_month": month})
    return pdf_response(
        render_pdf("away/pdf/comment_request.html", ctx), f"de-nghi-nhan-xet-{away.pk}-{year}.pdf"
    )


@login_required
def away_mine(request):
    """The member's own page: away reports, transfers, fee shortcut."""
    if not request.user.member_id:
        raise Http404
    member = Member.objects.select_related("organization").get(pk=request.user.member_id)
    periods = AwayPeriod.objects.filter(member=member).select_related("destination_unit")
    current = next(
        (p for p in periods if p.status in (*AwayPeriod.OPEN, AwayPeriod.Status.APPROVED)), None
    )
    return render(
        request,
        "away/mine.html",
        {
            "member": member,
            "periods": periods,
            "current": current,
            "transfers": Transfer.objects.filter(member=member).select_related("to_organization"),
            "exemptions": Exemption.objects.filter(member=member),
            "applications": ExemptionApplication.objects.filter(member=member)[:5],
            "contact_form": ContactForm(),
        },
    )


@require_perm("away:write")
def away_broadcast(request):
    orgs = scope_orgs(request.user)
    if not request.user.is_superuser:
        orgs = orgs.filter(subtree_q(paths_with(request.user, "away:write")))
    form = BroadcastForm(request.POST or None, org_choices=orgs)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        check_org_perm(request.user, org, "away:write")
        try:
            sent = services.broadcast(
                org,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except services.AwayError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Đã gửi tin tới %(n)s đảng viên đang đi làm ăn xa.") % {"n": sent}
            )
            return redirect("away:list")
    return render(request, "away/broadcast.html", {"form": form})
