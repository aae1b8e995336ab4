"""Residence comments: lists, the form, sending, corrections, PDF, self-service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.guards import (
    check_org_perm,
    get_in_scope_or_404,
    get_visible_or_404,
    require_perm,
)
from lienhe.access.models import User
from lienhe.access.requests import (
    paginate_deferred,
    paginate_search,
    query_without_page,
    year_param,
)
from lienhe.access.scoping import has_org_permission, member_fields_for, paths_with
from lienhe.documents.papers import Signer, collective_name, make_paper, signing_mode
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.liaison.selectors import current_introduction
from lienhe.listcache import list_response, list_tables
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.pagecache import cached_page
from lienhe.text import choice_labels, fold
from lienhe.urlformat import url_for

from . import services
from .constants import Purpose, duty_rows, upgrade_legacy
from .exports import CommentExporter
from .forms import CommentForm, CorrectionForm, RequestForOrgForm
from .models import ResidenceComment


def _filtered(request):
    qs = ResidenceComment.objects.visible_to(request.user).select_related(
        "member", "residence_org", "workplace_org"
    )
    year = year_param(request)
    qs = qs.filter(year=year)
    state = request.GET.get("state", "")
    if state in ResidenceComment.State.values:
        qs = qs.filter(state=state)
    elif state == "overdue":
        qs = qs.exclude(state__in=ResidenceComment.SENT_STATES).filter(
            due_on__lt=timezone.localdate()
        )
    # By the comment's copy of the member's folded name (lienhe.members.names): the
    # order and the search read the list's index, not the members (issue 21).
    q = fold(request.GET.get("q", ""))
    if q:
        qs = qs.filter(member_search_name__contains=q)
    return qs.order_by("state", "due_on", "member_search_name", "id"), year, state


# What a row of the list shows: the page's 50 rows are read as these values, not as
# comments with their member and organizations (issue 21).
_LIST_VALUES = (
    "member__full_name",
    "residence_org__name",
    "residence_org__path",
    "workplace_org__name",
    "purpose",
    "state",
    "due_on",
    "sent_at",
    "conclusion_label",
)


def _list_rows(values, superuser: bool, write_roots) -> list[dict]:
    """The list's rows from `_LIST_VALUES`: the link (an open comment links to its form
    only where the user may write it, else to its page: a 403 otherwise), the labels,
    whether it is locked and was sent late; links reversed and labels translated once
    per page instead of once per row (issue 21)."""
    edit, detail = url_for("reviews:comment_edit"), url_for("reviews:comment_detail")
    states = choice_labels(ResidenceComment.State.choices)
    purposes = choice_labels(Purpose.choices)
    open_states = (ResidenceComment.State.REQUESTED, ResidenceComment.State.DRAFT)
    rows = []
    for v in values:
        state, path = v["state"], v["residence_org__path"]
        can_write = superuser or any(path.startswith(root) for root in write_roots)
        rows.append(
            {
                "pk": v["pk"],
                "href": (edit if can_write and state in open_states else detail)(v["pk"]),
                "member_name": v["member__full_name"],
                "residence_org": v["residence_org__name"],
                "workplace_org": v["workplace_org__name"],
                "purpose": v["purpose"],
                "purpose_label": purposes.get(v["purpose"], v["purpose"]),
                "state_label": states.get(state, state),
                "due_on": v["due_on"],
                "is_locked": ResidenceComment.locked(state),
                "sent_late": ResidenceComment.late(v["sent_at"], v["due_on"]),
                "conclusion_label": v["conclusion_label"],
            }
        )
    return rows


# The tables a page of comments reads (lienhe/listcache.py).
_COMMENT_TABLES = list_tables(ResidenceComment)


@require_perm("reviews:read")
def comment_list(request):
    qs, year, state = _filtered(request)
    write_roots = paths_with(request.user, "reviews:write")

    def rows():
        # Ordered by member name within (state, due date): thousands of yearly comments
        # share a due date, so the order is taken on ids and only the page's rows
        # loaded. A search counts and orders its matches in one query, as the letters
        # search does (issue 21).
        if fold(request.GET.get("q", "")):
            page = paginate_search(request, qs, load=ResidenceComment.objects, values=_LIST_VALUES)
        else:
            page = paginate_deferred(request, qs, values=_LIST_VALUES)
        page.object_list = _list_rows(page.object_list, request.user.is_superuser, write_roots)
        return page

    context = {
        "year": year,
        "state": state,
        "q": request.GET.get("q", ""),
        "states": ResidenceComment.State.choices,
        "query": query_without_page(request),
        # The yearly comment request, per organization the user writes comments for.
        "request_orgs": list(
            Organization.objects.filter(path__in=write_roots).order_by("path")[:5]
        ),
    }
    return list_response(
        request,
        "reviews/list.html",
        "reviews/_list_results.html",
        context,
        rows,
        tables=_COMMENT_TABLES,
    )


@require_perm("reviews:export")
def comment_export(request):
    qs, year, _state = _filtered(request)
    return CommentExporter(qs, year).export(request)


def _comment(request, pk):
    user = request.user
    return get_in_scope_or_404(
        "reviews.comment",
        user,
        lambda pk: (
            ResidenceComment.objects.visible_to(user)
            .select_related("member", "residence_org", "workplace_org", "signed_by", "supersedes")
            .filter(pk=pk)
        ),
        pk,
    )


def _duty_rows(comment, *, full: bool = False):
    return duty_rows(comment.duties, full=full)


@login_required
@cached_page(ResidenceComment, Member, User)
def comment_detail(request, pk: int):
    comment = _comment(request, pk)
    return render(
        request,
        "reviews/detail.html",
        {
            "comment": comment,
            "member_fields": member_fields_for(request.user, comment.member),
            "duty_rows": _duty_rows(comment),
            "can_write": has_org_permission(request.user, comment.residence_org, "reviews:write"),
            "rate": services.evidence_rate(comment.evidence or {}),
            "correction": getattr(comment, "correction", None)
            if comment.state == "superseded"
            else None,
        },
    )


@require_perm("reviews:write")
def comment_edit(request, pk: int):
    comment = _comment(request, pk)
    check_org_perm(request.user, comment.residence_org, "reviews:write")
    if comment.is_locked:
        messages.info(request, _("Phiếu đã gửi; muốn sửa hãy lập bản đính chính."))
        return redirect("reviews:comment_detail", pk=comment.pk)
    levels = services.comment_levels(comment.residence_org, comment.year)
    initial = {f"duty_{k}": v for k, v in upgrade_legacy(comment.duties).items()}
    initial.update(conclusion=comment.conclusion, remarks=comment.remarks, version=comment.version)
    form = CommentForm(request.POST or None, initial=initial, levels=levels)
    evidence = comment.evidence or services.gather_evidence(comment.member, comment.year)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            comment = services.save_draft(
                comment,
                duties=form.duties(),
                conclusion=d["conclusion"],
                remarks=d["remarks"],
                expected_version=d["version"],
                actor=request.user,
            )
            if "send" in request.POST:
                services.send_comment(
                    comment,
                    expected_version=comment.version,
                    actor=request.user,
                    signer_title=d["signer_title"],
                )
                messages.success(request, _("Đã gửi nhận xét về nơi công tác và tới đảng viên."))
                return redirect("reviews:comment_detail", pk=comment.pk)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("reviews:comment_edit", pk=comment.pk)
    return render(
        request,
        "reviews/form.html",
        {
            "comment": comment,
            "form": form,
            "evidence": evidence,
            "rate": services.evidence_rate(evidence),
        },
    )


@require_perm("reviews:write")
def comment_correct(request, pk: int):
    comment = _comment(request, pk)
    check_org_perm(request.user, comment.residence_org, "reviews:write")
    if comment.state != ResidenceComment.State.SENT:
        raise PermissionDenied
    levels = services.comment_levels(comment.residence_org, comment.year)
    initial = {f"duty_{k}": v for k, v in upgrade_legacy(comment.duties).items()}
    initial.update(conclusion=comment.conclusion, remarks=comment.remarks)
    form = CorrectionForm(request.POST or None, initial=initial, levels=levels)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["conclusion"] is None:
            form.add_error("conclusion", _("Hãy chọn mức kết luận."))
        else:
            try:
                new = services.correct_comment(
                    comment,
                    duties=form.duties(),
                    conclusion=d["conclusion"],
                    remarks=d["remarks"],
                    reason=d["reason"],
                    actor=request.user,
                )
            except services.ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã gửi bản đính chính; bản cũ vẫn được lưu."))
                return redirect("reviews:comment_detail", pk=new.pk)
    return render(
        request,
        "reviews/form.html",
        {"comment": comment, "form": form, "correcting": True, "evidence": comment.evidence},
    )


@login_required
def comment_pdf(request, pk: int):
    comment = _comment(request, pk)
    issued_on = (
        timezone.localtime(comment.sent_at).date() if comment.sent_at else timezone.localdate()
    )
    signer = None
    if comment.signed_by_id and comment.signed_by.member_id:
        # The secretary who signed, named from her member record (never the account).
        title = comment.signer_title or _("Bí thư chi bộ")
        signer = Signer(
            position=title,
            name=comment.signed_by.member.full_name,
            mode=signing_mode(title),
            collective=collective_name(comment.residence_org),
        )
    paper = make_paper(
        comment.residence_org,
        kind="NX",
        title=_("Phiếu nhận xét đảng viên"),
        subtitle=_(
            "đang công tác thường xuyên giữ mối liên hệ với chi ủy, tổ chức đảng nơi cư trú\n"
            "năm %(year)s"
        )
        % {"year": comment.year},
        issued_on=issued_on,
        obj=comment,
        recipients=[comment.workplace_org.name, _("Lưu chi bộ")],
        signer=signer,
    )
    pdf = render_pdf(
        "reviews/comment_pdf.html",
        {
            "comment": comment,
            "member_fields": member_fields_for(request.user, comment.member),
            "duty_rows": _duty_rows(comment, full=True),
            "paper": paper,
        },
    )
    return pdf_response(pdf, f"nhan-xet-{comment.member.card_number}-{comment.year}.pdf")


@login_required
def mine(request):
    """The member's own page: request the yearly comment, read sent ones."""
    member = request.user.member
    if member is None:
        raise PermissionDenied
    year = year_param(request)
    intro = current_introduction(member)
    if request.method == "POST":
        purpose = request.POST.get("purpose", Purpose.YEARLY)
        if purpose not in Purpose.values:
            purpose = Purpose.YEARLY
        try:
            services.request_comment(
                member, year, actor=request.user, via=ResidenceComment.Via.MEMBER, purpose=purpose
            )
        except services.ReviewError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã gửi yêu cầu nhận xét tới chi ủy nơi cư trú."))
        return redirect(f"{request.path}?year={year}")
    comments = (
        ResidenceComment.objects.filter(member=member)
        .select_related("residence_org")
        .order_by("-year", "-id")
    )
    return render(
        request,
        "reviews/mine.html",
        {
            "year": year,
            "intro": intro,
            "exempt": services.exemption_reason(intro),
            "comments": comments,
            "purposes": Purpose.choices,
        },
    )


@require_perm("reviews:write")
def request_for_org(request, pk: int):
    org = get_visible_or_404(Organization.objects.visible_to(request.user), pk=pk)
    check_org_perm(request.user, org, "reviews:write")
    form = RequestForOrgForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        counts = services.request_for_organization(
            org, form.cleaned_data["year"], actor=request.user
        )
        messages.success(
            request,
            _(
                "Đã yêu cầu %(c)s nhận xét mới; %(e)s đã có; %(s)s đảng viên "
                "được miễn hoặc chưa nộp giấy giới thiệu."
            )
            % {"c": counts["created"], "e": counts["existing"], "s": counts["skipped"]},
        )
        return redirect("reviews:list")
    return render(request, "reviews/request_org.html", {"form": form, "org": org})
