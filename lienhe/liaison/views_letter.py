"""One letter: its page, hand-in, numbering a draft, acceptance, group, closing,
exemption, change of residence, local tasks and the two-way thread."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import check_org_perm, get_visible_or_404
from lienhe.access.models import User
from lienhe.access.requests import run_form_action
from lienhe.access.scoping import has_org_permission
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.pagecache import cached_page

from . import forms, services
from .models import Introduction, LocalTask, ThreadMessage
from .selectors import groups_with_size, residence_cells_under
from .views import _fail, _form_page, _get, _letters


@login_required
@cached_page(Introduction, LocalTask, ThreadMessage, Member, User)
def detail(request, pk: int):
    intro = _get(request, pk)
    user = request.user
    residence_write = has_org_permission(user, intro.residence_org, "liaison:write")
    workplace_write = has_org_permission(user, intro.workplace_org, "liaison:write")
    can_issue = has_org_permission(user, intro.workplace_org, "liaison:issue")
    sides = services.sides_of(user, intro)
    ctx = {
        "intro": intro,
        "today": timezone.localdate(),
        "residence_write": residence_write,
        "workplace_write": workplace_write,
        "can_issue": can_issue,
        "thread": intro.messages.select_related("author", "author__member"),
        "tasks": intro.tasks.all(),
        "chain": _chain(intro),
        "is_member": user.member_id == intro.member_id,
    }
    if sides:
        form = forms.MessageForm(initial={"side": sides[0]})
        if len(sides) == 1:
            form.fields["side"].widget = form.fields["side"].hidden_widget()
        ctx["message_form"] = form
    if can_issue and intro.state == Introduction.State.DRAFT:
        ctx["issue_form"] = forms.IssueDateForm(initial={"issued_on": timezone.localdate()})
    if residence_write and intro.state == Introduction.State.ISSUED:
        ctx["handin_form"] = forms.HandinForm(
            initial={"handed_in_on": timezone.localdate(), "version": intro.version}
        )
    if residence_write and intro.state in (
        Introduction.State.ISSUED,
        Introduction.State.HANDED_IN,
    ):
        ctx["can_accept"] = True
    if residence_write and intro.is_live and intro.cell:
        if intro.state == Introduction.State.ACTIVE:
            # Before acceptance the group is chosen on the acceptance page.
            ctx["group_form"] = forms.GroupForm(
                initial={"group": intro.group_id, "version": intro.version},
                groups=groups_with_size(intro.residence_org),
            )
        if intro.exemption != Introduction.Exemption.RESIDENCE:
            ctx["task_form"] = forms.TaskForm()
    return render(request, "liaison/detail.html", ctx)


def _chain(intro: Introduction) -> list[Introduction]:
    """Earlier letters of the same member (change of residence history)."""
    return list(
        Introduction.objects.filter(member_id=intro.member_id)
        .exclude(pk=intro.pk)
        .select_related("residence_org")
        .order_by("-created_at")[:10]
    )


def _button(request, intro: Introduction, form, action, success: str, *, to: str = ""):
    """A button on the letter page: run the service with the posted form; its errors
    (and the form's) become messages; back to the letter (`to`: an anchor or a page)."""
    return run_form_action(
        request,
        form,
        action,
        errors=services.LiaisonError,
        success=success,
        redirect_to=to if to.startswith("/") else reverse("liaison:detail", args=[intro.pk]) + to,
        inline=False,
    )


@require_POST
@login_required
def handin(request, pk: int):
    intro = _get(request, pk)
    check_org_perm(request.user, intro.residence_org, "liaison:write")
    return _button(
        request,
        intro,
        forms.HandinForm(request.POST),
        lambda d: services.confirm_handin(
            intro,
            handed_in_on=d["handed_in_on"],
            expected_version=d.get("version"),
            actor=request.user,
        ),
        _("Đã xác nhận đảng viên nộp giấy."),
    )


@require_POST
@login_required
def issue_draft(request, pk: int):
    """Number and issue a draft letter (e.g. one drafted after a change of residence)."""
    intro = _get(request, pk)
    check_org_perm(request.user, intro.workplace_org, "liaison:issue")
    return _button(
        request,
        intro,
        forms.IssueDateForm(request.POST),
        lambda d: services.issue_letter(intro, issued_on=d["issued_on"], actor=request.user),
        _("Đã cấp số giấy giới thiệu."),
    )


@login_required
def accept(request, pk: int):
    intro = _get(request, pk)
    check_org_perm(request.user, intro.residence_org, "liaison:write")
    if intro.state not in (Introduction.State.ISSUED, Introduction.State.HANDED_IN):
        messages.info(request, _("Giấy này không còn chờ tiếp nhận."))
        return redirect("liaison:detail", pk=pk)
    cells = residence_cells_under(intro.residence_org)
    cell_id = str(request.POST.get("cell") or (intro.residence_org_id if intro.cell else "") or "")
    if not cell_id.isdigit():
        cell_id = ""
    groups = (
        groups_with_size(Organization.objects.get(pk=cell_id))
        if cell_id and cells.filter(pk=cell_id).exists()
        else Organization.objects.filter(
            kind=Organization.Kind.GROUP, path__startswith=intro.residence_org.path
        )
    )
    need_date = intro.state == Introduction.State.ISSUED
    form = forms.AcceptForm(
        request.POST or None,
        cells=cells,
        groups=groups,
        need_date=need_date,
        initial={
            "cell": intro.residence_org_id if intro.cell else None,
            # A member already placed in a group keeps it unless the officer changes it.
            "group": intro.group_id,
            "handed_in_on": timezone.localdate(),
            "version": intro.version,
        },
    )
    done = run_form_action(
        request,
        form,
        lambda d: services.accept_letter(
            intro,
            cell=d["cell"],
            group=d.get("group"),
            handed_in_on=d.get("handed_in_on"),
            expected_version=d.get("version"),
            actor=request.user,
        ),
        errors=services.LiaisonError,
        success=_("Đã tiếp nhận đảng viên %(n)s.") % {"n": intro.member.full_name},
        redirect_to=reverse("liaison:detail", args=[pk]),
    )
    if done:
        return done
    cell = intro.cell
    return render(
        request,
        "liaison/accept.html",
        {
            "intro": intro,
            "form": form,
            "suggestion": services.split_suggestion(cell) if cell else None,
        },
    )


@require_POST
@login_required
def place(request, pk: int):
    intro = _get(request, pk)
    check_org_perm(request.user, intro.residence_org, "liaison:write")
    nxt = request.POST.get("next", "")
    return _button(
        request,
        intro,
        forms.GroupForm(request.POST, groups=groups_with_size(intro.residence_org)),
        lambda d: services.place_in_group(
            intro, group=d["group"], expected_version=d.get("version"), actor=request.user
        ),
        _("Đã xếp tổ."),
        to=nxt if nxt.startswith("/") and not nxt.startswith("//") else "",
    )


@login_required
def close(request, pk: int):
    intro = _get(request, pk)
    if not services.can_close(request.user, intro):
        raise PermissionDenied
    form = forms.CloseForm(
        request.POST or None,
        initial={"closed_on": timezone.localdate(), "version": intro.version},
    )
    done = run_form_action(
        request,
        form,
        lambda d: services.close_letter(
            intro,
            reason=d["reason"],
            closed_on=d["closed_on"],
            note=d["note"],
            expected_version=d.get("version"),
            actor=request.user,
        ),
        errors=services.LiaisonError,
        success=_("Đã kết thúc giữ mối liên hệ."),
        redirect_to=reverse("liaison:detail", args=[pk]),
    )
    if done:
        return done
    return _form_page(request, intro, form, _("Kết thúc giữ mối liên hệ"), _("Kết thúc"))


@login_required
def exempt(request, pk: int):
    intro = _get(request, pk)
    check_org_perm(request.user, intro.workplace_org, "liaison:write")
    lifting = intro.exemption == Introduction.Exemption.RESIDENCE
    if lifting:
        if request.method == "POST":
            try:
                services.lift_exemption(intro, actor=request.user)
            except services.LiaisonError as exc:
                return _fail(request, exc, intro)
            messages.success(request, _("Đã thôi miễn sinh hoạt nơi cư trú."))
            return redirect("liaison:detail", pk=pk)
        return _form_page(request, intro, None, _("Thôi miễn sinh hoạt nơi cư trú"), _("Thôi miễn"))
    form = forms.ExemptForm(
        request.POST or None, initial={"on": timezone.localdate(), "version": intro.version}
    )
    done = run_form_action(
        request,
        form,
        lambda d: services.set_exemption(
            intro,
            group=d["group"],
            reason=d["reason"],
            on=d["on"],
            expected_version=d.get("version"),
            actor=request.user,
        ),
        errors=services.LiaisonError,
        success=_("Đã ghi nhận miễn sinh hoạt nơi cư trú."),
        redirect_to=reverse("liaison:detail", args=[pk]),
    )
    if done:
        return done
    return _form_page(request, intro, form, _("Miễn sinh hoạt nơi cư trú"), _("Ghi nhận miễn"))


@login_required
def move(request, pk: int):
    intro = _get(request, pk)
    check_org_perm(request.user, intro.workplace_org, "liaison:issue")
    proposal = services.propose_residence(intro.member)
    form = forms.ChangeResidenceForm(
        request.POST or None,
        residences=Organization.objects.filter(
            side=Organization.Side.RESIDENCE,
            kind__in=[Organization.Kind.BASE, Organization.Kind.CELL],
            is_active=True,
        ).order_by("path"),
        initial={
            "residence_org": proposal
            if proposal and proposal.pk != intro.residence_org_id
            else None,
            "issue": True,
            "version": intro.version,
        },
    )
    done = run_form_action(
        request,
        form,
        lambda d: services.change_residence(
            intro,
            new_residence_org=d["residence_org"],
            issue=d["issue"],
            expected_version=d.get("version"),
            actor=request.user,
        ),
        errors=services.LiaisonError,
        success=_("Đã kết thúc giấy cũ và lập giấy về nơi cư trú mới."),
        redirect_to=lambda r: reverse("liaison:detail", args=[r.pk]),
    )
    if done:
        return done
    return _form_page(request, intro, form, _("Chuyển nơi cư trú"), _("Chuyển"))


@require_POST
@login_required
def task_add(request, pk: int):
    intro = _get(request, pk)
    check_org_perm(request.user, intro.residence_org, "liaison:write")
    form = forms.TaskForm(request.POST)
    done = run_form_action(
        request,
        form,
        lambda d: services.add_task(intro, actor=request.user, **d),
        errors=services.LiaisonError,
        success=_("Đã giao việc."),
        redirect_to=reverse("liaison:detail", args=[pk]) + "#viec",
    )
    return done or _form_page(request, intro, form, _("Giao việc ở nơi cư trú"), _("Giao việc"))


@login_required
def task_result(request, pk: int):
    task = get_visible_or_404(
        LocalTask.objects.filter(introduction__in=_letters(request.user)).select_related(
            "introduction", "introduction__residence_org", "introduction__member"
        ),
        pk=pk,
    )
    intro = task.introduction
    check_org_perm(request.user, intro.residence_org, "liaison:write")
    form = forms.TaskResultForm(
        request.POST or None,
        initial={
            "version": task.version,
            "status": task.status,
            "outcome": task.outcome,
            "note": task.note,
            "completed_on": task.completed_on or timezone.localdate(),
        },
    )
    done = run_form_action(
        request,
        form,
        lambda d: services.record_task_result(
            task,
            status=d["status"],
            outcome=d["outcome"],
            note=d["note"],
            completed_on=d["completed_on"],
            expected_version=d["version"],
            actor=request.user,
        ),
        errors=services.LiaisonError,
        success=_("Đã ghi kết quả công việc."),
        redirect_to=reverse("liaison:detail", args=[intro.pk]) + "#viec",
    )
    if done:
        return done
    return _form_page(
        request, intro, form, _("Kết quả: %(t)s") % {"t": task.title}, _("Lưu kết quả")
    )


@require_POST
@login_required
def message(request, pk: int):
    intro = _get(request, pk)
    if not services.sides_of(request.user, intro):
        raise PermissionDenied
    return _button(
        request,
        intro,
        forms.MessageForm(request.POST),
        lambda d: services.post_message(intro, body=d["body"], side=d["side"], actor=request.user),
        _("Đã gửi trao đổi."),
        to="#trao-doi",
    )
