"""Web pages of the residence liaison. Thin: every change goes through services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.requests import paginate, query_without_page
from lienhe.access.scoping import has_org_permission, has_perm_anywhere, paths_with, subtree_q
from lienhe.documents.papers import make_paper
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.members.models import Member
from lienhe.orgs.models import Organization

from . import forms, services
from .exports import LetterExporter
from .filters import LetterFilter
from .models import Introduction, LocalTask
from .selectors import groups_with_size, residence_cells_under, residence_record, workplace_base


def _org_choices(user):
    return (
        Organization.objects.visible_to(user)
        .filter(kind__in=[Organization.Kind.BASE, Organization.Kind.CELL], is_active=True)
        .filter(depth__lte=3)
        .order_by("path")
    )


def _letters(user):
    return Introduction.objects.visible_to(user).select_related(
        "member", "workplace_org", "residence_org", "group"
    )


def _filtered(request, qs=None):
    qs = _letters(request.user) if qs is None else qs
    return LetterFilter(request.GET or None, queryset=qs, org_choices=_org_choices(request.user))


# --- lists -------------------------------------------------------------------------


@require_perm("liaison:read")
def letter_list(request):
    filterset = _filtered(request)
    page = paginate(request, filterset.qs)
    template = "liaison/_letters.html" if request.htmx else "liaison/list.html"
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "query": query_without_page(request),
            "today": timezone.localdate(),
            "can_issue": has_perm_anywhere(request.user, "liaison:issue"),
            "can_export": has_perm_anywhere(request.user, "reports:export"),
            "title": _("Giấy giới thiệu sinh hoạt nơi cư trú"),
            "results_url": reverse("liaison:list"),
            "printed": request.GET.get("printed", ""),
        },
    )


@require_perm("liaison:export")
def letter_export(request):
    qs = _filtered(request).qs
    if qs.count() > settings.EXPORT_SYNC_LIMIT:
        messages.error(request, _("Danh sách quá dài; hãy lọc theo tổ chức để xuất từng phần."))
        return redirect(f"{reverse('liaison:list')}?{request.GET.urlencode()}")
    return LetterExporter(qs).export(request)


@require_perm("liaison:read")
def inbox(request):
    """Residence side: letters addressed to my cells/commune, not yet accepted."""
    paths = paths_with(request.user, "liaison:read")
    qs = _letters(request.user).filter(
        state__in=[Introduction.State.ISSUED, Introduction.State.HANDED_IN]
    )
    if not request.user.is_superuser:
        qs = qs.filter(subtree_q(paths, "residence_org__path"))
    filterset = _filtered(request, qs.order_by("due_on", "id"))
    page = paginate(request, filterset.qs)
    template = "liaison/_letters.html" if request.htmx else "liaison/list.html"
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "query": query_without_page(request),
            "today": timezone.localdate(),
            "inbox": True,
            "title": _("Giấy giới thiệu đến (nơi cư trú)"),
            "results_url": reverse("liaison:inbox"),
        },
    )


# --- issuing -----------------------------------------------------------------------


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
        ).order_by("name")
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


# --- printing ----------------------------------------------------------------------


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


# --- one letter --------------------------------------------------------------------


def _get(request, pk: int) -> Introduction:
    return get_visible_or_404(_letters(request.user), pk=pk)


@login_required
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


def _fail(request, exc: Exception, intro: Introduction):
    messages.error(request, str(exc))
    return redirect("liaison:detail", pk=intro.pk)


@require_POST
@login_required
def handin(request, pk: int):
    intro = _get(request, pk)
    check_org_perm(request.user, intro.residence_org, "liaison:write")
    form = forms.HandinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày nộp giấy không hợp lệ (dd/mm/yyyy)."))
        return redirect("liaison:detail", pk=pk)
    try:
        services.confirm_handin(
            intro,
            handed_in_on=form.cleaned_data["handed_in_on"],
            expected_version=form.cleaned_data.get("version"),
            actor=request.user,
        )
    except services.LiaisonError as exc:
        return _fail(request, exc, intro)
    messages.success(request, _("Đã xác nhận đảng viên nộp giấy."))
    return redirect("liaison:detail", pk=pk)


@require_POST
@login_required
def issue_draft(request, pk: int):
    """Number and issue a draft letter (e.g. one drafted after a change of residence)."""
    intro = _get(request, pk)
    check_org_perm(request.user, intro.workplace_org, "liaison:issue")
    form = forms.IssueDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày cấp không hợp lệ (dd/mm/yyyy)."))
        return redirect("liaison:detail", pk=pk)
    try:
        services.issue_letter(intro, issued_on=form.cleaned_data["issued_on"], actor=request.user)
    except services.LiaisonError as exc:
        return _fail(request, exc, intro)
    messages.success(request, _("Đã cấp số giấy giới thiệu."))
    return redirect("liaison:detail", pk=pk)


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
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_letter(
                intro,
                cell=form.cleaned_data["cell"],
                group=form.cleaned_data.get("group"),
                handed_in_on=form.cleaned_data.get("handed_in_on"),
                expected_version=form.cleaned_data.get("version"),
                actor=request.user,
            )
        except services.LiaisonError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Đã tiếp nhận đảng viên %(n)s.") % {"n": intro.member.full_name}
            )
            return redirect("liaison:detail", pk=pk)
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
    form = forms.GroupForm(request.POST, groups=groups_with_size(intro.residence_org))
    if not form.is_valid():
        messages.error(request, _("Tổ đã chọn không hợp lệ."))
    else:
        try:
            services.place_in_group(
                intro,
                group=form.cleaned_data["group"],
                expected_version=form.cleaned_data.get("version"),
                actor=request.user,
            )
        except services.LiaisonError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã xếp tổ."))
    nxt = request.POST.get("next", "")
    if nxt.startswith("/"):
        return redirect(nxt)
    return redirect("liaison:detail", pk=pk)


def _form_page(request, intro, form, title, submit, template="liaison/action.html", **extra):
    return render(
        request,
        template,
        {"intro": intro, "form": form, "title": title, "submit": submit, **extra},
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
    if request.method == "POST" and form.is_valid():
        try:
            services.close_letter(
                intro,
                reason=form.cleaned_data["reason"],
                closed_on=form.cleaned_data["closed_on"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data.get("version"),
                actor=request.user,
            )
        except services.LiaisonError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã kết thúc giữ mối liên hệ."))
            return redirect("liaison:detail", pk=pk)
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
    if request.method == "POST" and form.is_valid():
        try:
            services.set_exemption(
                intro,
                group=form.cleaned_data["group"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
                expected_version=form.cleaned_data.get("version"),
                actor=request.user,
            )
        except services.LiaisonError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi nhận miễn sinh hoạt nơi cư trú."))
            return redirect("liaison:detail", pk=pk)
    return _form_page(request, intro, form, _("Miễn sinh hoạt nơi cư trú"), _("Ghi nhận miễn"))


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
    if request.method == "POST" and form.is_valid():
        try:
            intro = services.exempt_from_introduction(
                member,
                workplace_org=base,
                residence_org=form.cleaned_data["residence_org"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
                actor=request.user,
            )
        except services.LiaisonError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi nhận miễn giới thiệu."))
            return redirect("liaison:detail", pk=intro.pk)
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
    if request.method == "POST" and form.is_valid():
        try:
            new = services.change_residence(
                intro,
                new_residence_org=form.cleaned_data["residence_org"],
                issue=form.cleaned_data["issue"],
                expected_version=form.cleaned_data.get("version"),
                actor=request.user,
            )
        except services.LiaisonError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã kết thúc giấy cũ và lập giấy về nơi cư trú mới."))
            return redirect("liaison:detail", pk=new.pk)
    return _form_page(request, intro, form, _("Chuyển nơi cư trú"), _("Chuyển"))


@require_POST
@login_required
def task_add(request, pk: int):
    intro = _get(request, pk)
    check_org_perm(request.user, intro.residence_org, "liaison:write")
    form = forms.TaskForm(request.POST)
    if form.is_valid():
        try:
            services.add_task(intro, actor=request.user, **form.cleaned_data)
        except services.LiaisonError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã giao việc."))
            return redirect(reverse("liaison:detail", args=[pk]) + "#viec")
    return _form_page(request, intro, form, _("Giao việc ở nơi cư trú"), _("Giao việc"))


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
    if request.method == "POST" and form.is_valid():
        try:
            services.record_task_result(
                task,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                completed_on=form.cleaned_data["completed_on"],
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except services.LiaisonError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi kết quả công việc."))
            return redirect(reverse("liaison:detail", args=[intro.pk]) + "#viec")
    return _form_page(
        request, intro, form, _("Kết quả: %(t)s") % {"t": task.title}, _("Lưu kết quả")
    )


@require_POST
@login_required
def message(request, pk: int):
    intro = _get(request, pk)
    sides = services.sides_of(request.user, intro)
    if not sides:
        raise PermissionDenied
    form = forms.MessageForm(request.POST)
    if form.is_valid():
        try:
            services.post_message(
                intro,
                body=form.cleaned_data["body"],
                side=form.cleaned_data["side"],
                actor=request.user,
            )
        except services.LiaisonError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã gửi trao đổi."))
    else:
        messages.error(request, _("Hãy nhập nội dung trao đổi."))
    return redirect(reverse("liaison:detail", args=[pk]) + "#trao-doi")


# --- groups of a cell ----------------------------------------------------------------


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


# --- member self-service -----------------------------------------------------------


@login_required
def mine(request):
    member = request.user.member if request.user.member_id else None
    ctx: dict = {"member": member}
    if member is not None:
        record = residence_record(member, timezone.localdate().year)
        ctx["record"] = record
        intro = record["introduction"]
        if intro is not None:
            ctx["open_tasks"] = intro.tasks.filter(status=LocalTask.Status.OPEN)
            ctx["next_meeting"] = _next_meeting(intro)
            ctx["last_comment"] = _last_comment(member)
    return render(request, "liaison/mine.html", ctx)


def _next_meeting(intro: Introduction):
    """The residence cell's next planned meeting (meetings module), else its regular
    monthly meeting day."""
    cell = intro.cell
    if cell is None or not intro.is_live:
        return None
    from lienhe.meetings.selectors import next_meeting

    meeting = next_meeting(cell)
    if meeting is not None:
        return {"meeting": meeting}
    if cell.meeting_day:
        return {"day": cell.meeting_day}
    return None


def _last_comment(member: Member):
    """The last residence comment sent about the member (reviews module)."""
    from lienhe.reviews.models import ResidenceComment

    return (
        ResidenceComment.objects.filter(member=member, state__in=ResidenceComment.SENT_STATES)
        .select_related("residence_org")
        .order_by("-year", "-id")
        .first()
    )
