"""Party fees: cell report, arrears, member ledger, payments, member self-service."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.scoping import has_org_permission, paths_with, subtree_q
from lienhe.documents.papers import Signer
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from . import fees, services
from .exports import ArrearsExporter, FeeReportExporter
from .forms import ClaimForm, NoteForm, PaymentForm, ProfileForm
from .models import FeeClaim, FeeDue, FeePayment, FeeProfile
from .views import _issuer_context, _org_or_root, _page, scope_orgs


def _month_arg(request) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        return dt.datetime.strptime(raw, "%m/%Y").date()
    except ValueError:
        return fees.month_start(services.today())


def _report(request):
    org, month = _org_or_root(request), _month_arg(request)
    rows = fees.cell_report(org, month)
    return org, month, rows, fees.report_totals(org, month, rows)


@require_perm("away:read")
def fee_report(request):
    from django.template.loader import render_to_string

    from lienhe.access.requests import query_without_page
    from lienhe.summaries.cache import cached_for_subtree

    from .views_report import picked_org

    (org, form), month = picked_org(request), _month_arg(request)  # access checked first

    def body() -> str:
        rows = fees.cell_report(org, month)
        # A province has thousands of cells: the totals cover them all, the table
        # shows one page of them (issue 21).
        page, query = _page(request, rows)
        totals = fees.report_totals(org, month, rows)
        return render_to_string(
            "away/_fees_body.html", {"page": page, "query": query, "totals": totals}
        )

    # The page links carry the other parameters: they are part of the key.
    params = {
        "month": month,
        "page": request.GET.get("page", ""),
        "query": query_without_page(request),
    }
    return render(
        request,
        "away/fees.html",
        {
            "org": org,
            "month": month,
            "body": cached_for_subtree(org.path, "away.fees", params, body, families=("fees",)),
            "form": form,
            "pending_claims": FeeClaim.objects.visible_to(request.user)
            .filter(status=FeeClaim.Status.PENDING)
            .count(),
        },
    )


@require_perm("away:export")
def fee_report_export(request):
    org, month, rows, totals = _report(request)
    return FeeReportExporter(org, month, rows, totals).export(request)


def _arrears(request, *, whole_scope: bool = False):
    if request.user.is_superuser:
        orgs = Organization.objects.visible_to(request.user)
    else:
        orgs = Organization.objects.filter(subtree_q(paths_with(request.user, "away:read")))
    # `?org=` outside the scope is 404, as on every report (no silent "all").
    org = _org_or_root(request) if request.GET.get("org") else None
    if org is not None:
        orgs = orgs.filter(path__startswith=org.path)
    try:
        min_months = max(1, int(request.GET.get("min", "1")))
    except ValueError:
        min_months = 1
    qs = fees.arrears_queryset(orgs, until=services.today(), min_months=min_months)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.search(text)
    qs = qs.select_related("organization").order_by("-arrears", "search_name")
    if org is None and not whole_scope and _too_large(orgs):
        messages.info(
            request,
            _("Phạm vi có hơn %(n)s đảng viên; hãy chọn một tổ chức để xem danh sách nợ.")
            % {"n": f"{settings.EXPORT_SYNC_LIMIT:,}".replace(",", ".")},
        )
        qs = qs.none()
    return qs, org, min_months


def _too_large(orgs) -> bool:
    """The arrears list sums each member's ledger; over a whole province, ask the user
    to pick a base committee first (the supervision report gives province totals).
    The export takes the whole scope: above the limit the exporter base runs it in
    the background."""
    count = Member.objects.filter(organization__in=orgs.values("pk")).count()
    return count > settings.EXPORT_SYNC_LIMIT


@require_perm("away:read")
def fee_arrears(request):
    qs, org, min_months = _arrears(request)
    page, query = _page(request, qs)
    return render(
        request,
        "away/arrears.html",
        {
            "page": page,
            "query": query,
            "org": org,
            "min_months": min_months,
            "orgs": scope_orgs(request.user).filter(depth__lte=3),
            "q": request.GET.get("q", ""),
        },
    )


@require_perm("away:export")
def fee_arrears_export(request):
    qs, _org, _min = _arrears(request, whole_scope=True)
    return ArrearsExporter(qs).export(request)


def _ledger(member: Member) -> dict:
    dues = list(FeeDue.objects.filter(member=member).order_by("-month")[:24])
    payments = list(
        FeePayment.objects.filter(member=member)
        .select_related("reverses")
        .order_by("-paid_on", "-id")[:60]
    )
    balance = fees.balances([member.pk], until=services.today())[member.pk]
    profile = FeeProfile.objects.filter(member=member).first()
    return {"dues": dues, "payments": payments, "balance": balance, "profile": profile}


@login_required
def fee_member(request, pk: int):
    member = get_visible_or_404(
        Member.objects.visible_to(request.user).select_related("organization"), pk=pk
    )
    if not (
        has_org_permission(request.user, member.organization, "away:read")
        or request.user.member_id == member.pk
    ):
        raise Http404
    can_write = has_org_permission(request.user, member.organization, "away:write")
    ctx = _ledger(member) | {"member": member, "can_write": can_write}
    pay_form = PaymentForm(request.POST or None) if can_write else None
    profile = ctx["profile"]
    profile_form = ProfileForm(
        initial={"group": profile.group, "income": profile.income} if profile else None
    )
    if request.method == "POST":
        if not can_write:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if pay_form.is_valid():
            try:
                p = fees.record_payment(member, actor=request.user, **pay_form.cleaned_data)
            except services.AwayError as exc:
                pay_form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Đã ghi khoản nộp, biên lai số %(n)s.") % {"n": p.receipt_number}
                )
                return redirect("away:fee_member", pk=member.pk)
    ctx.update({"pay_form": pay_form, "profile_form": profile_form, "reverse_form": NoteForm()})
    return render(request, "away/fee_member.html", ctx)


@require_POST
@login_required
def fee_profile(request, pk: int):
    member = get_visible_or_404(
        Member.objects.visible_to(request.user).select_related("organization"), pk=pk
    )
    check_org_perm(request.user, member.organization, "away:write")
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            fees.set_fee_profile(
                member,
                actor=request.user,
                group=form.cleaned_data["group"],
                income=form.cleaned_data["income"] or 0,
            )
        except services.AwayError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã lưu mức đóng; áp dụng từ tháng chưa lập sổ."))
    else:
        messages.error(request, _("Thông tin mức đóng không hợp lệ."))
    return redirect("away:fee_member", pk=member.pk)


@require_POST
@login_required
def fee_reverse(request, pk: int):
    payment = get_visible_or_404(
        FeePayment.objects.visible_to(request.user).select_related("organization", "member"),
        pk=pk,
    )
    check_org_perm(request.user, payment.organization, "away:write")
    try:
        fees.reverse_payment(payment, actor=request.user, note=request.POST.get("note", ""))
    except services.AwayError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã ghi bút toán điều chỉnh."))
    return redirect("away:fee_member", pk=payment.member_id)


@require_perm("away:write")
def fee_claims(request):
    qs = (
        FeeClaim.objects.visible_to(request.user)
        .select_related("member", "organization")
        .order_by("status", "-created_at")
    )
    status = request.GET.get("status", "pending")
    if status in FeeClaim.Status.values:
        qs = qs.filter(status=status)
    page, query = _page(request, qs)
    return render(request, "away/claims.html", {"page": page, "query": query, "status": status})


@require_POST
@login_required
def fee_claim_decide(request, pk: int):
    claim = get_visible_or_404(
        FeeClaim.objects.visible_to(request.user).select_related("organization", "member"), pk=pk
    )
    check_org_perm(request.user, claim.organization, "away:write")
    try:
        if request.POST.get("decision") == "confirm":
            fees.confirm_claim(claim, actor=request.user)
            messages.success(request, _("Đã xác nhận và ghi vào sổ thu."))
        else:
            fees.reject_claim(claim, actor=request.user, answer=request.POST.get("answer", ""))
            messages.success(request, _("Đã trả lời đảng viên."))
    except services.AwayError as exc:
        messages.error(request, str(exc))
    return redirect("away:fee_claims")


@login_required
def my_fees(request):
    if not request.user.member_id:
        raise Http404
    member = Member.objects.select_related("organization").get(pk=request.user.member_id)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fees.claim_payment(member, actor=request.user, **form.cleaned_data)
        except services.AwayError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã báo nộp; chi bộ sẽ đối chiếu và xác nhận."))
            return redirect("away:my_fees")
    ctx = _ledger(member) | {
        "member": member,
        "form": form,
        "claims": FeeClaim.objects.filter(member=member)[:20],
    }
    return render(request, "away/my_fees.html", ctx)


@login_required
def fee_receipt(request, pk: int):
    """Receipt (biên lai thu đảng phí) for one payment, printable as PDF."""
    payment = get_visible_or_404(
        FeePayment.objects.visible_to(request.user).select_related(
            "member", "organization", "recorded_by"
        ),
        pk=pk,
    )
    if payment.method == FeePayment.Method.REVERSAL:
        raise Http404
    collector = payment.recorded_by.member if payment.recorded_by_id else None
    ctx = _issuer_context(
        payment.organization,
        payment.paid_on,
        payment.receipt_number,
        kind="BL",
        title=_("Biên lai thu đảng phí"),
        recipients=[_("Đảng viên nộp"), _("Lưu chi bộ")],
        signers=[
            Signer(position=_("Người nộp"), name=payment.member.full_name, mode=""),
            # The collector by her member record; an account name is never printed.
            Signer(position=_("Người thu"), name=collector.full_name if collector else "", mode=""),
        ],
    )
    ctx["p"] = payment
    return pdf_response(
        render_pdf("away/pdf/receipt.html", ctx), f"bien-lai-{payment.receipt_number}.pdf"
    )
