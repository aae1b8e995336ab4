"""Petition pages: list, capture (staff and member self-service), detail with
timeline, and the routing/answering steps. Rules live in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from lienhe.access.guards import check_org_perm, get_visible_or_404, require_perm
from lienhe.access.models import User
from lienhe.access.requests import paginate, query_without_page, run_form_action
from lienhe.access.scoping import has_perm_anywhere, paths_with, subtree_q
from lienhe.listcache import list_response, list_tables
from lienhe.members.models import Member
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.pagecache import cached_page
from lienhe.text import choice_labels

from . import forms as f
from . import services
from .exports import PetitionExporter
from .filters import PetitionFilter
from .models import Agency, Attachment, Category, Cluster, Petition, PetitionEvent

PAGE_SIZE = 30


# ----------------------------------------------------------------- access helpers


def _visible(request):
    return Petition.objects.visible_to(request.user)


def _get(request, pk: int, visible=None) -> Petition:
    """The petition `pk` if `request.user` sees it, else 404; `visible` is the view's
    `_visible(request)` when it reads more petitions (one scope check per request)."""
    return get_visible_or_404(
        (visible if visible is not None else _visible(request)).select_related(
            "organization", "category", "agency", "cluster", "admin_unit", "merged_into"
        ),
        pk=pk,
    )


can_write = services.can_write_petition
can_route = services.can_route
can_handle = services.can_handle


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _org_choices(user):
    qs = Organization.objects.filter(is_active=True, depth__lte=3)
    if user.is_superuser:
        return qs
    return qs.filter(subtree_q(paths_with(user, "orgs:read")))


# ----------------------------------------------------------------- list and export


def _filtered(request):
    visible = _visible(request).select_related("organization", "category", "agency")
    return PetitionFilter(
        request.GET or None, queryset=visible, org_choices=_org_choices(request.user)
    )


# What a row of the list shows (petitions/_list_results.html): the page reads only
# these columns, not the texts (details, answer, search text) it never prints.
LIST_FIELDS = (
    "received_on",
    "summary",
    "priority",
    "cluster",
    "state",
    "answered_late",
    "due_on",
    "category__name",
    "organization__name",
    "organization__path",
    "organization__depth",
    "agency__name",
)


def _add_row_labels(petitions) -> None:
    """Cells are named alike ("Chi bộ thôn An 3" in several communes): show the commune
    (the cell's parent) next to it, in one query for the page. The state and priority
    labels are translated once for the page, not by get_FOO_display on every row
    (which rebuilds the field's translated choices each time), and the detail link is
    reversed once (`url_for`), not by `{% url %}` on every row (issue 21)."""
    from lienhe.urlformat import url_for

    petitions = list(petitions)
    parents = {p.organization.path[:-4] for p in petitions if p.organization.depth > 1}
    names = dict(Organization.objects.filter(path__in=parents).values_list("path", "name"))
    states = choice_labels(Petition.State.choices)
    priorities = choice_labels(Petition.Priority.choices)
    detail_url = url_for("petitions:detail")
    for p in petitions:
        p.detail_url = detail_url(p.pk)
        p.parent_name = names.get(p.organization.path[:-4], "")
        p.state_label = states.get(p.state, p.state)
        p.priority_label = priorities.get(p.priority, p.priority)


# The tables a page of petitions reads (lienhe/listcache.py).
_PETITION_TABLES = list_tables(Petition, Category, Agency)


@require_perm("petitions:read")
def petition_list(request):
    # Built on a miss only: a cached page has its filter form and rows (issue 21).
    filterset = SimpleLazyObject(lambda: _filtered(request))

    def rows():
        page = paginate(request, filterset.qs.only(*LIST_FIELDS))
        _add_row_labels(page.object_list)
        return page

    can_write = has_perm_anywhere(request.user, "petitions:write")
    context = {
        "filter": filterset,
        "query": query_without_page(request),
        "can_write": can_write,
        "can_restore": can_write or has_perm_anywhere(request.user, "petitions:write_own"),
        "can_route": has_perm_anywhere(request.user, "petitions:route"),
    }
    return list_response(
        request,
        "petitions/list.html",
        "petitions/_list_results.html",
        context,
        rows,
        tables=_PETITION_TABLES,
    )


@require_perm("petitions:export")
def petition_export(request):
    qs = _filtered(request).qs
    return PetitionExporter(qs, user=request.user).export(request)


# ----------------------------------------------------------------- capture


def _attach(request, petition, upload) -> None:
    if upload:
        try:
            services.add_attachment(petition, upload, actor=request.user)
        except services.PetitionError as exc:
            messages.warning(request, str(exc))


@require_perm("petitions:write")
def petition_create(request):
    form = f.PetitionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "attachment")}
        check_org_perm(request.user, data["organization"], "petitions:write")
        upload = form.cleaned_data.get("attachment")
        try:
            if upload:
                services.check_attachment(upload)
            petition = services.create_petition(
                source_type=Petition.Source.STAFF, actor=request.user, **data
            )
        except services.PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            _attach(request, petition, upload)
            messages.success(request, _("Đã tiếp nhận kiến nghị #%(n)s.") % {"n": petition.pk})
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/form.html", {"form": form, "creating": True})


@login_required
def petition_submit(request):
    """A member's self-service form, with the status of what they sent before."""
    member = request.user.member if request.user.member_id else None
    if member is None:
        raise PermissionDenied
    form = f.SelfServiceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.pop("attachment", None)
        try:
            if upload:
                services.check_attachment(upload)
            petition = services.create_petition(
                organization=member.organization,
                source_type=Petition.Source.SELF,
                raised_by_kind=Petition.RaisedBy.MEMBER,
                raised_by_name=member.full_name,
                raised_by_member=member,
                raised_by_user=request.user,
                actor=request.user,
                **data,
            )
        except services.PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            _attach(request, petition, upload)
            messages.success(
                request,
                _("Đã gửi kiến nghị #%(n)s tới chi bộ. Bạn theo dõi kết quả ngay trên trang này.")
                % {"n": petition.pk},
            )
            return redirect("petitions:submit")
    mine = list(
        Petition.objects.filter(raised_by_user=request.user)
        .select_related("agency", "category")
        .order_by("-received_on", "-id")[:20]
    )
    return render(request, "petitions/submit.html", {"form": form, "mine": mine})


# ----------------------------------------------------------------- detail


@login_required
@cached_page(
    Petition,
    PetitionEvent,
    Attachment,
    Category,
    Cluster,
    Agency,
    Agency.handlers.through,
    AdminUnit,
    Member,
    User,
)
def petition_detail(request, pk: int):
    # One scope for every petition the page reads (visible_to asks whether the user
    # handles an agency's petitions: once, not once per list).
    visible = _visible(request)
    petition = _get(request, pk, visible)
    user = request.user
    rights = {
        "write": can_write(user, petition),
        "route": can_route(user, petition),
        "handle": can_handle(user, petition),
    }
    events = list(petition.events.select_related("actor"))
    similar = []
    if petition.cluster_id:
        similar = list(
            visible.filter(cluster_id=petition.cluster_id)
            .exclude(pk=petition.pk)
            .select_related("organization", "agency")[:20]
        )
    # The parts split from it and the petitions merged into it, in one query.
    related = list(
        visible.filter(Q(split_from=petition) | Q(merged_into=petition)).select_related(
            "organization"
        )
    )
    return render(
        request,
        "petitions/detail.html",
        {
            "p": petition,
            "cluster_title": services.cluster_titles(
                user, [petition.cluster_id], visible=visible
            ).get(petition.cluster_id, ""),
            "rights": rights,
            "events": events,
            "attachments": list(petition.attachments.all()),
            "similar": similar,
            "parts": [r for r in related if r.split_from_id == petition.pk],
            "merged": [r for r in related if r.merged_into_id == petition.pk],
            "overdue": petition.is_overdue(),
            "answer_form": f.AnswerForm(initial={"version": petition.version}),
            "attach_form": f.AttachmentForm(),
        },
    )


@login_required
def petition_edit(request, pk: int):
    petition = _get(request, pk)
    _require(can_write(request.user, petition) or can_route(request.user, petition))
    form = f.PetitionForm(request.POST or None, instance=petition, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_petition(
                petition,
                expected_version=form.cleaned_data.get("version") or 0,
                actor=request.user,
                **data,
            )
        except services.PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/form.html", {"form": form, "p": petition})


@login_required
def petition_pdf(request, pk: int):
    """Phiếu chuyển kiến nghị: the official slip sent with the petition to the agency."""
    from lienhe.documents.papers import make_paper
    from lienhe.documents.services import pdf_response, render_pdf

    petition = _get(request, pk)
    issuer_org = services.higher_committee(petition.organization) or petition.organization
    paper = make_paper(
        issuer_org,
        kind="PC",
        title=_("Phiếu chuyển kiến nghị"),
        subtitle=_("Kính gửi: %(agency)s") % {"agency": petition.agency.name}
        if petition.agency_id
        else "",
        issued_on=petition.assigned_on or timezone.localdate(),
        obj=petition,
        recipients=[_("Như trên"), petition.organization.name, _("Lưu")],
    )
    pdf = render_pdf("petitions/slip_pdf.html", {"p": petition, "paper": paper})
    return pdf_response(pdf, f"phieu-chuyen-kien-nghi-{petition.pk}.pdf")


@login_required
def attachment_add(request, pk: int):
    petition = _get(request, pk)
    _require(
        can_write(request.user, petition)
        or can_handle(request.user, petition)
        or petition.raised_by_user_id == request.user.pk
    )
    if request.method == "POST":
        form = f.AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_attachment(petition, form.cleaned_data["file"], actor=request.user)
            except services.PetitionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Đã đính kèm tệp."))
        else:
            messages.error(request, _("Hãy chọn một tệp để đính kèm."))
    return redirect("petitions:detail", pk=petition.pk)


@login_required
def attachment_download(request, pk: int, att: int):
    petition = _get(request, pk)
    attachment = petition.attachments.filter(pk=att).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )


# ----------------------------------------------------------------- steps


def _step(request, pk, *, allowed, form_class, run, title, template="petitions/step.html", **kw):
    """Shared GET (form page) / POST (run the service) flow of a petition step."""
    petition = _get(request, pk)
    _require(allowed(request.user, petition))
    form = form_class(request.POST or None, **kw)
    done = run_form_action(
        request,
        form,
        lambda data: run(petition, data),
        errors=services.PetitionError,
        success=lambda message: message,
        redirect_to=reverse("petitions:detail", args=[petition.pk]),
    )
    if done:
        return done
    return render(request, template, {"p": petition, "form": form, "title": title})


@login_required
def petition_assign(request, pk: int):
    def run(p, data):
        p = services.assign(
            p, data["agency"], due_on=data["due_on"], note=data["note"], actor=request.user
        )
        return _("Đã chuyển kiến nghị tới %(a)s, hạn trả lời %(d)s.") % {
            "a": p.agency,
            "d": f"{p.due_on:%d/%m/%Y}",
        }

    return _step(
        request,
        pk,
        allowed=can_route,
        form_class=f.AssignForm,
        run=run,
        title=_("Chuyển kiến nghị tới cơ quan giải quyết"),
    )


@login_required
def petition_transfer(request, pk: int):
    def run(p, data):
        services.transfer(p, data["agency"], reason=data["reason"], actor=request.user)
        return _("Đã chuyển kiến nghị sang %(a)s.") % {"a": data["agency"]}

    return _step(
        request,
        pk,
        allowed=lambda u, p: can_route(u, p) or can_handle(u, p),
        form_class=f.TransferForm,
        run=run,
        title=_("Chuyển sang cơ quan khác"),
    )


@login_required
def petition_start(request, pk: int):
    petition = _get(request, pk)
    _require(can_handle(request.user, petition))
    if request.method == "POST":
        try:
            services.start(petition, actor=request.user)
        except services.PetitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã nhận xử lý kiến nghị."))
    return redirect("petitions:detail", pk=petition.pk)


@login_required
def petition_answer(request, pk: int):
    petition = _get(request, pk)
    _require(can_handle(request.user, petition))
    form = f.AnswerForm(request.POST or None, initial={"version": petition.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_petition(
                petition,
                answer=form.cleaned_data["answer"],
                whole_cluster=form.cleaned_data["whole_cluster"],
                expected_version=form.cleaned_data.get("version"),
                actor=request.user,
            )
        except services.PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã gửi trả lời; chi bộ sẽ thông báo lại tại buổi sinh hoạt gần nhất."),
            )
            return redirect("petitions:detail", pk=petition.pk)
    return render(
        request,
        "petitions/step.html",
        {"p": petition, "form": form, "title": _("Trả lời kiến nghị")},
    )


@login_required
def petition_close(request, pk: int):
    def run(p, data):
        services.close(p, note=data["note"], actor=request.user)
        return _("Chi bộ đã đồng ý với trả lời; kiến nghị kết thúc.")

    return _step(
        request,
        pk,
        allowed=can_write,
        form_class=f.NoteForm,
        run=run,
        title=_("Chi bộ đồng ý với trả lời, kết thúc kiến nghị"),
    )


@login_required
def petition_reopen(request, pk: int):
    def run(p, data):
        services.reopen(p, reason=data["reason"], actor=request.user)
        return _("Đã mở lại kiến nghị và báo cơ quan giải quyết.")

    return _step(
        request,
        pk,
        allowed=can_write,
        form_class=f.ReasonForm,
        run=run,
        title=_("Chi bộ chưa đồng ý, mở lại kiến nghị"),
    )


@login_required
def petition_split(request, pk: int):
    def run(p, data):
        parts = services.split(p, data["parts"], actor=request.user)
        return _("Đã tách thành %(n)s kiến nghị: %(l)s.") % {
            "n": len(parts),
            "l": ", ".join(f"#{c.pk}" for c in parts),
        }

    return _step(
        request,
        pk,
        allowed=lambda u, p: can_route(u, p) or can_write(u, p),
        form_class=f.SplitForm,
        run=run,
        title=_("Tách kiến nghị"),
    )


@login_required
def petition_merge(request, pk: int):
    def run(p, data):
        found = list(_visible(request).filter(pk__in=data["numbers"]))
        missing = sorted(set(data["numbers"]) - {o.pk for o in found})
        if missing:
            raise services.PetitionError(
                _("Không tìm thấy kiến nghị số %(l)s trong phạm vi bạn được xem.")
                % {"l": ", ".join(map(str, missing))}
            )
        for other in found:
            if not can_route(request.user, other):
                raise services.PetitionError(
                    _("Bạn không có quyền điều phối kiến nghị #%(n)s.") % {"n": other.pk}
                )
        services.merge(found, p, actor=request.user)
        return _("Đã gộp %(n)s kiến nghị vào kiến nghị này.") % {"n": len(found)}

    return _step(
        request,
        pk,
        allowed=can_route,
        form_class=f.MergeForm,
        run=run,
        title=_("Gộp kiến nghị cùng nội dung vào kiến nghị này"),
    )


@login_required
def petition_uncluster(request, pk: int):
    petition = _get(request, pk)
    _require(can_route(request.user, petition))
    if request.method == "POST":
        try:
            services.remove_from_cluster(petition, actor=request.user)
        except services.PetitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã tách kiến nghị khỏi cụm vấn đề chung."))
    return redirect("petitions:detail", pk=petition.pk)
