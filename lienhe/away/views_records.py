"""Temporary exemptions and transfers of party life."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.requests import query_without_page
from lienhe.access.scoping import has_org_permission
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.listcache import list_response, list_tables
from lienhe.members.models import Member

from . import services
from .exports import ExemptionExporter, TransferExporter
from .forms import (
    ExemptionFilter,
    ExemptionForm,
    NoteForm,
    ReceiveForm,
    RevokeForm,
    TransferFilter,
    TransferForm,
)
from .models import AwayPeriod, Exemption, ExemptionApplication, Transfer
from .views import _issuer_context, _page, scope_orgs

# ---------------------------------------------------------------- exemptions


def _exemptions(request):
    visible = Exemption.objects.visible_to(request.user).select_related(
        "member", "organization", "away"
    )
    return ExemptionFilter(
        request.GET or None, queryset=visible, org_choices=scope_orgs(request.user)
    )


# The tables a page of exemptions reads, with the applications above them, cached with
# the same key (lienhe/listcache.py).
_EXEMPTION_TABLES = list_tables(Exemption, ExemptionApplication, AwayPeriod, Member)


@require_perm("away:read")
def exemption_list(request):
    f = _exemptions(request)
    context = {"filter": f, "query": query_without_page(request), "today": services.today()}
    if not request.htmx:
        # Applications waiting for the cell or the committee (oldest first), before
        # the decisions; read only when the page's cached copy is gone.
        context["applications"] = (
            ExemptionApplication.objects.visible_to(request.user)
            .filter(status__in=ExemptionApplication.OPEN)
            .select_related("member", "organization")
            .order_by("applied_on", "id")[:20]
        )
    return list_response(
        request,
        "away/exemptions.html",
        "away/_exemption_results.html",
        context,
        lambda: _page(request, f.qs, "away:exemption")[0],
        tables=_EXEMPTION_TABLES,
    )


@require_perm("away:export")
def exemption_export(request):
    return ExemptionExporter(_exemptions(request).qs).export(request)


@require_perm("away:approve")
def exemption_create(request, member_pk: int):
    member = get_visible_or_404(
        Member.objects.visible_to(request.user).select_related("organization"), pk=member_pk
    )
    check_org_perm(request.user, member.organization, "away:approve")
    grounds = services.exemption_grounds(member.organization)
    # The decision follows the member's application proposed by the cell.
    application = services.pending_application(member)
    initial = {}
    if application:
        initial = {
            "start_on": max(application.start_on, services.today()),
            "end_on": application.end_on,
            "ground": application.ground,
        }
    form = ExemptionForm(request.POST or None, grounds=grounds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ex = services.grant_exemption(
                member, actor=request.user, application=application, **form.cleaned_data
            )
        except services.AwayError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Đã ban hành quyết định số %(n)s.") % {"n": ex.decision_number}
            )
            return redirect("away:exemption", pk=ex.pk)
    if application:
        intro = _("Đơn ngày %(a)s của đảng viên; chi bộ đề nghị ngày %(p)s: %(o)s") % {
            "a": application.applied_on.strftime("%d/%m/%Y"),
            "p": application.cell_proposed_on.strftime("%d/%m/%Y"),
            "o": application.cell_opinion,
        }
        warning = services.chain_warning(
            member, application.start_on, application.end_on, services.today()
        )
        if warning:
            intro = f"{intro} — {warning}"
    else:
        intro = _(
            "Chưa có đơn xin tạm miễn của đảng viên được chi bộ đề nghị: cấp ủy chỉ quyết định "
            "khi đã có đơn và đề nghị của chi bộ (mục “Đơn xin tạm miễn sinh hoạt”)."
        )
    return render(
        request,
        "away/simple_form.html",
        {
            "form": form,
            "intro": intro,
            "title": _("Quyết định tạm miễn sinh hoạt đảng: %(name)s") % {"name": member.full_name},
            "back": member.get_absolute_url() if hasattr(member, "get_absolute_url") else "",
            "submit": _("Ban hành quyết định"),
            "confirm": _("Ban hành quyết định tạm miễn? Quyết định được cấp số, không sửa được."),
        },
    )


def _get_exemption(request, pk):
    return get_visible_or_404(
        Exemption.objects.visible_to(request.user).select_related(
            "member", "organization", "issuer", "away"
        ),
        pk=pk,
    )


@login_required
def exemption_detail(request, pk: int):
    ex = _get_exemption(request, pk)
    return render(
        request,
        "away/exemption_detail.html",
        {
            "ex": ex,
            "today": services.today(),
            "can_approve": has_org_permission(request.user, ex.organization, "away:approve"),
            "revoke_form": RevokeForm(initial={"on": services.today().strftime("%d/%m/%Y")}),
        },
    )


@login_required
def exemption_pdf(request, pk: int):
    ex = _get_exemption(request, pk)
    ctx = _issuer_context(
        ex.organization,
        ex.issued_on,
        ex.decision_number,
        kind="QĐ",
        title=_("Quyết định"),
        subtitle=_("về việc tạm miễn sinh hoạt đảng đối với đảng viên"),
        recipients=[_("Như Điều 3"), _("Lưu Văn phòng")],
    )
    ctx["ex"] = ex
    return pdf_response(
        render_pdf("away/pdf/exemption.html", ctx), f"quyet-dinh-tam-mien-{ex.pk}.pdf"
    )


@require_POST
@login_required
def exemption_revoke(request, pk: int):
    ex = _get_exemption(request, pk)
    check_org_perm(request.user, ex.organization, "away:approve")
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_exemption(
                ex,
                actor=request.user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except services.AwayError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã chấm dứt tạm miễn sinh hoạt."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("away:exemption", pk=ex.pk)


# ---------------------------------------------------------------- transfers


def _transfers(request):
    visible = Transfer.objects.visible_to(request.user).select_related(
        "member", "organization", "to_organization"
    )
    return TransferFilter(
        request.GET or None, queryset=visible, org_choices=scope_orgs(request.user)
    )


# The tables a page of transfers reads (lienhe/listcache.py).
_TRANSFER_TABLES = list_tables(Transfer, Member)


@require_perm("away:read")
def transfer_list(request):
    f = _transfers(request)
    return list_response(
        request,
        "away/transfers.html",
        "away/_transfer_results.html",
        {"filter": f, "query": query_without_page(request)},
        lambda: _page(request, f.qs, "away:transfer")[0],
        tables=_TRANSFER_TABLES,
    )


@require_perm("away:export")
def transfer_export(request):
    return TransferExporter(_transfers(request).qs).export(request)


@login_required
def transfer_create(request, member_pk: int | None = None):
    if member_pk is None:
        if not request.user.member_id:
            raise Http404
        member = Member.objects.select_related("organization").get(pk=request.user.member_id)
    else:
        member = get_visible_or_404(
            Member.objects.visible_to(request.user).select_related("organization"), pk=member_pk
        )
        if not services.can_act_for_member(request.user, member):
            raise PermissionDenied
    away = AwayPeriod.objects.filter(member=member, status=AwayPeriod.Status.APPROVED).first()
    form = TransferForm(
        request.POST or None,
        initial={"kind": "temporary", "until": away.expected_end_on if away else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            t = services.request_transfer(
                member, actor=request.user, away=away, **form.cleaned_data
            )
        except services.AwayError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã gửi đề nghị chuyển sinh hoạt đảng."))
            return redirect("away:transfer", pk=t.pk)
    return render(
        request,
        "away/simple_form.html",
        {
            "form": form,
            "title": _("Đề nghị chuyển sinh hoạt đảng: %(name)s") % {"name": member.full_name},
            "submit": _("Gửi đề nghị"),
        },
    )


def _get_transfer(request, pk):
    return get_visible_or_404(
        Transfer.objects.visible_to(request.user).select_related(
            "member", "organization", "to_organization"
        ),
        pk=pk,
    )


@login_required
def transfer_detail(request, pk: int):
    t = _get_transfer(request, pk)
    return render(
        request,
        "away/transfer_detail.html",
        {
            "t": t,
            "can_send": has_org_permission(request.user, t.organization, "away:approve"),
            "can_receive": services.can_receive(request.user, t),
            "receive_form": ReceiveForm(),
            "refuse_form": NoteForm(),
        },
    )


def _transfer_action(request, t, func, success):
    try:
        func()
    except services.AwayError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("away:transfer", pk=t.pk)


@require_POST
@login_required
def transfer_send(request, pk: int):
    t = _get_transfer(request, pk)
    check_org_perm(request.user, t.organization, "away:approve")
    return _transfer_action(
        request,
        t,
        lambda: services.send_transfer(t, actor=request.user),
        _("Đã cấp giấy giới thiệu sinh hoạt đảng."),
    )


@require_POST
@login_required
def transfer_receive(request, pk: int):
    t = _get_transfer(request, pk)
    if not services.can_receive(request.user, t):
        raise PermissionDenied
    form = ReceiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày tiếp nhận không hợp lệ; nhập theo dạng dd/mm/yyyy."))
        return redirect("away:transfer", pk=t.pk)
    return _transfer_action(
        request,
        t,
        lambda: services.receive_transfer(
            t, actor=request.user, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
        ),
        _("Đã xác nhận tiếp nhận sinh hoạt đảng."),
    )


@require_POST
@login_required
def transfer_refuse(request, pk: int):
    t = _get_transfer(request, pk)
    if not (
        has_org_permission(request.user, t.organization, "away:approve")
        or services.can_receive(request.user, t)
    ):
        raise PermissionDenied
    form = NoteForm(request.POST)
    note = form.data.get("note", "")
    return _transfer_action(
        request,
        t,
        lambda: services.refuse_transfer(t, actor=request.user, note=note),
        _("Đã ghi không chấp thuận."),
    )


@require_POST
@login_required
def transfer_end(request, pk: int):
    t = _get_transfer(request, pk)
    if not services.can_receive(request.user, t):
        raise PermissionDenied
    return _transfer_action(
        request,
        t,
        lambda: services.end_temporary_transfer(t, actor=request.user),
        _("Đã kết thúc sinh hoạt tạm thời."),
    )


@login_required
def transfer_letter(request, pk: int):
    t = _get_transfer(request, pk)
    if not t.letter_number:
        raise Http404
    ctx = _issuer_context(
        t.organization,
        t.sent_on,
        t.letter_number,
        kind="GGT",
        title=_("Giấy giới thiệu sinh hoạt đảng tạm thời")
        if t.kind == "temporary"
        else _("Giấy giới thiệu sinh hoạt đảng"),
        subtitle=_("Kính gửi: %(to)s") % {"to": t.destination_label},
        recipients=[
            _("Như trên"),
            _("Đồng chí %(name)s") % {"name": t.member.full_name},
            _("Lưu Văn phòng"),
        ],
    )
    ctx["t"] = t
    return pdf_response(render_pdf("away/pdf/transfer.html", ctx), f"gioi-thieu-shd-{t.pk}.pdf")
