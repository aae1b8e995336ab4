"""Issuing letters (pick members, check each residence, issue grouped by workplace
base), exempting a member from introduction, and printing letters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.requests import paginate, query_without_page, run_form_action
from lienhe.access.scoping import paths_with, subtree_q
from lienhe.documents.papers import make_paper
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.text import vi_order

from . import forms, services
from .models import Introduction
from .selectors import workplace_base
from .views import _letters


def _candidates(user):
    paths = paths_with(user, "liaison:issue")
    qs = Member.objects.visible_to(user).filter(is_working=True, status=Member.Status.ACTIVE)
    if not user.is_superuser:
        qs = qs.filter(subtree_q(paths, "organization__path"))
    open_letters = Introduction.objects.open().values("member_id")
    return qs.exclude(pk__in=open_letters).select_related("organization", "home_unit")


def _residence_options(proposal: Organization | None):
    """Choices for one member's residence: the proposed commune and its cells, or every
    commune when nothing could be proposed."""
    if proposal is None:
        return Organization.objects.filter(
            side=Organization.Side.RESIDENCE, kind=Organization.Kind.BASE, is_active=True
        ).order_by(vi_order("name"))
    commune = proposal
    if proposal.kind == Organization.Kind.CELL:
        commune = Organization.objects.get_parent(proposal)
    return Organization.objects.filter(
        path__startswith=commune.path,
        kind__in=[Organization.Kind.BASE, Organization.Kind.CELL],
        side=Organization.Side.RESIDENCE,
        is_active=True,
    ).order_by("path")


@require_perm("liaison:issue")
def issue(request):
    """Step 1 (GET): pick working members without a letter. Step 2 (POST step=review):
    check the proposed residence of each. Step 3 (POST step=issue): issue letters."""
    candidates = _candidates(request.user)
    step = request.POST.get("step")
    if request.method == "POST" and step in ("review", "issue"):
        ids = [int(x) for x in request.POST.getlist("member") if x.isdigit()][:200]
        chosen = list(candidates.filter(pk__in=ids).order_by("search_name"))
        if not chosen:
            messages.error(request, _("Hãy chọn ít nhất một đảng viên chưa có giấy giới thiệu."))
            return redirect("liaison:issue")
        date_form = forms.IssueDateForm(
            request.POST if step == "issue" else None,
            initial={"issued_on": timezone.localdate()},
        )
        rows, residence_for, errors = [], {}, []
        for member in chosen:
            proposal = services.propose_residence(member)
            options = list(_residence_options(proposal))
            picked = request.POST.get(f"res_{member.pk}")
            selected = next((o for o in options if str(o.pk) == picked), None)
            if selected is None and step == "review":
                selected = proposal
            if selected is not None:
                residence_for[member.pk] = selected
            elif step == "issue":
                errors.append(_("Hãy chọn nơi cư trú cho %(name)s.") % {"name": member.full_name})
            rows.append(
                {"member": member, "options": options, "selected": selected, "proposal": proposal}
            )
        if step == "issue" and date_form.is_valid() and not errors:
            try:
                letters = services.issue_letters_by_base(
                    chosen,
                    residence_for=residence_for,
                    issued_on=date_form.cleaned_data["issued_on"],
                    actor=request.user,
                )
            except services.LiaisonError as exc:
                errors.append(str(exc))
            else:
                ids = ",".join(str(x.pk) for x in letters)
                messages.success(
                    request,
                    _("Đã cấp %(n)s giấy giới thiệu. In tất cả tại trang danh sách.")
                    % {"n": len(letters)},
                )
                return redirect(f"{reverse('liaison:list')}?printed={ids}")
        return render(
            request,
            "liaison/issue_review.html",
            {"rows": rows, "date_form": date_form, "errors": errors},
        )
    q = request.GET.get("q", "")
    if q:
        candidates = candidates.search(q)
    page = paginate(request, candidates.order_by("organization__path", "search_name"))
    return render(
        request, "liaison/issue.html", {"page": page, "q": q, "query": query_without_page(request)}
    )


@require_perm("liaison:issue")
def exempt_member(request, member_pk: int):
    """Exempt a working member from introduction altogether (no letter)."""
    member = get_visible_or_404(_candidates(request.user), pk=member_pk)
    base = workplace_base(member)
    check_org_perm(request.user, base, "liaison:issue")
    proposal = services.propose_residence(member)
    form = forms.ExemptIntroductionForm(
        request.POST or None,
        residences=_residence_options(proposal),
        initial={"residence_org": proposal, "on": timezone.localdate()},
    )
    done = run_form_action(
        request,
        form,
        lambda d: services.exempt_from_introduction(
            member,
            workplace_org=base,
            residence_org=d["residence_org"],
            reason=d["reason"],
            on=d["on"],
            actor=request.user,
        ),
        errors=services.LiaisonError,
        success=_("Đã ghi nhận miễn giới thiệu."),
        redirect_to=lambda r: reverse("liaison:detail", args=[r.pk]),
    )
    if done:
        return done
    return render(
        request,
        "liaison/action.html",
        {
            "form": form,
            "member": member,
            "title": _("Miễn giới thiệu về nơi cư trú — %(n)s") % {"n": member.full_name},
            "submit": _("Ghi nhận miễn"),
        },
    )


def _pdf_context(letters):
    docs = []
    for intro in letters:
        commune = intro.residence_org
        if intro.residence_org.kind == Organization.Kind.CELL:
            commune = Organization.objects.get_parent(intro.residence_org)
        cell_name = intro.member.organization.name
        paper = make_paper(
            intro.workplace_org,
            kind="GGT",
            title=_("Giấy giới thiệu"),
            subtitle=_(
                "Đảng viên đang công tác về sinh hoạt, giữ mối liên hệ với chi ủy, "
                "đảng ủy nơi cư trú"
            ),
            issued_on=intro.issued_on,
            number=intro.number,
            recipients=[_("Như trên"), cell_name, _("Lưu hồ sơ đảng viên")],
        )
        docs.append({"intro": intro, "paper": paper, "commune": commune})
    return {"docs": docs}


@login_required
def letter_pdf(request, pk: int):
    intro = get_visible_or_404(_letters(request.user), pk=pk)
    if not intro.number:
        raise Http404
    pdf = render_pdf("liaison/letter_pdf.html", _pdf_context([intro]))
    return pdf_response(pdf, f"giay-gioi-thieu-{intro.pk}.pdf")


@require_perm("liaison:read")
def batch_pdf(request):
    raw = request.GET.get("ids", "").split(",") + request.GET.getlist("id")
    ids = [int(x) for x in raw if x.strip().isdigit()][:200]
    letters = list(_letters(request.user).filter(pk__in=ids).exclude(number="").order_by("id"))
    if not letters:
        raise Http404
    pdf = render_pdf("liaison/letter_pdf.html", _pdf_context(letters))
    return pdf_response(pdf, "giay-gioi-thieu.pdf")
