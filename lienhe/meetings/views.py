"""Calendar, meeting page, plan/edit/move/cancel, guests, minutes, issues, rating."""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.access.guards import (
    check_org_perm,
    get_in_scope_or_404,
    require_perm,
)
from lienhe.access.requests import paginate, query_without_page, run_form_action
from lienhe.access.scoping import has_org_permission, has_perm_anywhere, paths_with
from lienhe.documents.exports import ListExporter
from lienhe.documents.papers import Signer, make_paper
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.liaison.models import Introduction, LocalTask
from lienhe.listcache import list_response, list_tables
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.pagecache import cached_page
from lienhe.petitions.models import Agency, Petition
from lienhe.text import choice_labels, fold
from lienhe.urlformat import url_for

from . import decisions, selectors, services
from .forms import (
    CancelForm,
    EditMeetingForm,
    GuestForm,
    IssueForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    RatingForm,
)
from .models import (
    Attendance,
    DecisionTask,
    Guest,
    Invitee,
    Meeting,
    Minutes,
    RaisedIssue,
    Rating,
)


def get_meeting(request, pk: int, perm: str | None = None, *, related: tuple = ()) -> Meeting:
    """The meeting `pk` if visible (404), with its organization and `related` joined;
    `perm` at its organization (403)."""
    user = request.user
    meeting = get_in_scope_or_404(
        f"meetings.meeting:{','.join(related)}",
        user,
        lambda pk: (
            Meeting.objects.visible_to(user).select_related("organization", *related).filter(pk=pk)
        ),
        pk,
    )
    if perm:
        check_org_perm(request.user, meeting.organization, perm)
    return meeting


def _form_action(request, form, action, success, meeting: Meeting | None, *, inline=True):
    """`run_form_action` for the meeting pages: the service's `MeetingError` on the form
    (`inline=False`, a button on the meeting page: as messages), then the page of
    `meeting` (None: of the meeting the action created)."""
    return run_form_action(
        request,
        form,
        action,
        errors=services.MeetingError,
        success=success,
        redirect_to=lambda created: reverse("meetings:detail", args=[(meeting or created).pk]),
        inline=inline,
    )


def can_rate_higher(user, meeting: Meeting) -> bool:
    """A committee above the cell (meetings:write at a strict ancestor)."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        meeting.organization.path.startswith(p) and p != meeting.organization.path
        for p in paths_with(user, "meetings:write")
    )


# ---------------------------------------------------------------- calendar list


def _filtered(request):
    visible = Meeting.objects.visible_to(request.user).select_related("organization")
    orgs = Organization.objects.visible_to(request.user).filter(
        kind__in=["province", "district", "base", "cell"]
    )
    form = MeetingFilterForm(request.GET or None, orgs=orgs)
    qs = visible
    when = "upcoming"
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(search_text__contains=fold(data["q"]))
        if data["organization"]:
            qs = qs.filter(organization__path__startswith=data["organization"].path)
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["state"]:
            qs = qs.filter(state=data["state"])
        if data["year"]:
            qs = qs.filter(year=data["year"])
        if data["month"]:
            qs = qs.filter(planned_at__month=data["month"])
        when = data["when"] or ("all" if data["year"] else "upcoming")
    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    if when == "upcoming":
        qs = qs.filter(planned_at__gte=today).order_by("planned_at", "id")
    elif when == "past":
        qs = qs.filter(planned_at__lt=today).order_by("-planned_at", "-id")
    else:
        qs = qs.order_by("-planned_at", "-id")
    return form, qs


def hm_dmy(value: dt.datetime | None) -> str:
    """What `|date:"H:i d/m/Y"` prints (local time), for rows formatted in the view."""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


# The tables a page of meetings reads (lienhe/listcache.py).
_MEETING_TABLES = list_tables(Meeting)


@require_perm("meetings:read")
def meeting_list(request):
    # Built on a miss only: a cached page has its filter form and rows (issue 21).
    filtered = functools.cache(lambda: _filtered(request))

    def rows():
        page = paginate(request, filtered()[1])
        # Per page, not per row: the route reversed once, the kind labels translated
        # once (get_kind_display rebuilds the choices for every call), the time
        # formatted without a template filter (issue 21).
        detail_url = url_for("meetings:detail")
        kind_labels = choice_labels(Meeting.Kind.choices)
        for m in page.object_list:
            m.url = detail_url(m.pk)
            m.kind_text = kind_labels.get(m.kind, m.kind)
            m.planned_text = hm_dmy(m.planned_at)
        return page

    context = {
        "filter": SimpleLazyObject(lambda: filtered()[0]),
        "query": query_without_page(request),
        "can_write": has_perm_anywhere(request.user, "meetings:write"),
    }
    return list_response(
        request,
        "meetings/list.html",
        "meetings/_list_results.html",
        context,
        rows,
        tables=_MEETING_TABLES,
    )


class MeetingExporter(ListExporter):
    permission = "meetings:export"
    title = "Lịch sinh hoạt chi bộ"
    filename = "sinh-hoat-chi-bo"

    def __init__(self, qs):
        self.qs = qs

    def header(self):
        return [
            "Chi bộ",
            "Loại",
            "Chủ đề",
            "Ngày",
            "Giờ",
            "Địa điểm",
            "Trạng thái",
            "Lý do dời/hủy",
            "Số dự kiến",
            "Số có mặt",
        ]

    def rows(self):
        for m in self.qs.iterator(chunk_size=1000):
            local = timezone.localtime(m.planned_at)
            yield [
                m.organization.name,
                m.get_kind_display(),
                m.title,
                local.date(),
                local.strftime("%H:%M"),
                m.place,
                str(m.status_label),
                m.state_reason,
                m.expected_count,
                m.present_count,
            ]


@require_perm("meetings:export")
def meeting_export(request):
    _form, qs = _filtered(request)
    return MeetingExporter(qs).export(request)


# ---------------------------------------------------------------- one meeting


@login_required
@cached_page(
    Meeting,
    Meeting.groups.through,
    Attendance,
    Invitee,
    Guest,
    Minutes,
    RaisedIssue,
    Rating,
    DecisionTask,
    Member,
    Introduction,
    LocalTask,
    Petition,
    Agency,
)
def meeting_detail(request, pk: int):
    meeting = get_meeting(request, pk, related=("minutes",))
    can_write = has_org_permission(request.user, meeting.organization, "meetings:write")
    attendances = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member")
        .order_by("member__search_name")
    )
    counts = {s: 0 for s in Attendance.Status.values}
    # Labels translated once per page, not once per row (get_FOO_display rebuilds the
    # choices dict and casts the lazy label for every call).
    status_labels = choice_labels(Attendance.Status.choices)
    via_labels = choice_labels(Attendance.Via.choices)
    for a in attendances:
        counts[a.status] += 1
        a.status_text = status_labels.get(a.status, a.status)
        a.via_text = via_labels.get(a.via, a.via)
        # What `|date:"H:i d/m/Y"` printed, without a template filter per row.
        a.marked_text = hm_dmy(a.marked_at)
    try:
        minutes = meeting.minutes  # joined above (None cached when there are none)
    except Minutes.DoesNotExist:
        minutes = None
    ratings = {r.by: r for r in Rating.objects.filter(meeting=meeting)}
    own_attendance = None
    if request.user.member_id:
        own_attendance = next(
            (a for a in attendances if a.member_id == request.user.member_id), None
        )
    decision_rows = decisions.decisions_with_tasks(meeting, minutes)
    can_assign = (
        can_write
        and bool(decision_rows)
        and meeting.state != Meeting.State.CANCELLED
        and has_org_permission(request.user, meeting.organization, "liaison:write")
    )
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "can_write": can_write,
            # Decisions of the minutes, each can become a task for a working member.
            "decision_rows": decision_rows,
            # The same <option>s go under every decision: built once, not once per
            # decision from model instances (a cell has hundreds of letters, issue 21).
            "letter_options": _letter_options(meeting) if can_assign else "",
            "can_assign": can_assign,
            "decision_due": timezone.localdate() + dt.timedelta(days=decisions.DEFAULT_DUE_DAYS),
            "task_kinds": decisions.LocalTask.Kind.choices,
            "can_rate_higher": can_rate_higher(request.user, meeting),
            "can_list": has_perm_anywhere(request.user, "meetings:read"),
            # What to report back at this meeting (e.g. petition answers), on the page
            # itself, not only inside "Lập biên bản".
            "report_back": services.default_agenda(meeting).splitlines()
            if meeting.state != Meeting.State.CANCELLED
            and (
                can_write or has_org_permission(request.user, meeting.organization, "meetings:read")
            )
            else [],
            "attendances": attendances
            if selectors.reads_all_attendance(request.user, meeting)
            else [],
            "counts": counts,
            # From the rows read above: all of the meeting's, so the same counts.
            "figures": services.attendance_figures(meeting, counts),
            "expected": services.expected_members(meeting).count() if meeting.is_upcoming else None,
            "guests": list(meeting.guests.all()),
            "groups": list(meeting.groups.all()),
            "minutes": minutes,
            "issues": list(meeting.issues.all()),
            "ratings": ratings,
            "own_attendance": own_attendance,
            "guest_form": GuestForm(),
            "now": timezone.now(),
        },
    )


def _letter_options(meeting: Meeting) -> str:
    """The "giao cho đồng chí" <option>s of the decisions' forms, escaped like the
    template would (`{{ }}` autoescape)."""
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        decisions.assignable_letters(meeting).values_list("pk", "member__full_name"),
    )


@require_perm("meetings:write")
def meeting_create(request):
    cells = selectors.writable_cells(request.user).order_by("path")
    org_id = (
        request.POST.get("organization")
        or request.GET.get("organization")
        or request.GET.get("org")
    )
    initial = {"duration_minutes": 120, "time": dt.time(19, 30)}
    if request.GET.get("org", "").isdigit():
        initial["organization"] = int(request.GET["org"])
    else:
        only = list(cells.values_list("pk", flat=True)[:2])
        if len(only) == 1:  # a cell secretary: her cell is the only choice
            initial["organization"] = org_id = org_id or only[0]
    # The cell select reloads the form (htmx GET with the typed values) to list its groups.
    initial.update({k: v for k, v in request.GET.items() if k in MeetingForm.base_fields})
    if request.GET.get("kind") in Meeting.Kind.values:
        initial["kind"] = request.GET["kind"]
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        cells=cells,
        groups=selectors.group_choices(cells, org_id),
    )
    form.fields["organization"].widget.attrs.update(
        {
            "hx-get": request.path,
            "hx-trigger": "change",
            "hx-target": "#main",
            "hx-select": "#main",
            "hx-include": "closest form",
        }
    )

    def plan(data):
        check_org_perm(request.user, data["organization"], "meetings:write")
        return services.plan_meeting(
            data["organization"],
            kind=data["kind"],
            planned_at=form.planned_at(),
            place=data["place"],
            title=data["title"],
            duration_minutes=data["duration_minutes"],
            groups=data["groups"],
            actor=request.user,
        )

    done = _form_action(request, form, plan, _("Đã lên lịch buổi sinh hoạt."), None)
    return done or render(
        request,
        "meetings/form.html",
        {"form": form, "heading": _("Lên lịch buổi sinh hoạt"), "creating": True},
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    form = EditMeetingForm(
        request.POST or None,
        initial={
            "version": meeting.version,
            "title": meeting.title,
            "date": timezone.localtime(meeting.planned_at).date(),
            "time": timezone.localtime(meeting.planned_at).time(),
            "place": meeting.place,
            "duration_minutes": meeting.duration_minutes,
        },
    )
    done = _form_action(
        request,
        form,
        lambda d: services.update_meeting(
            meeting,
            expected_version=d["version"],
            title=d["title"],
            place=d["place"],
            duration_minutes=d["duration_minutes"],
            planned_at=form.planned_at(),
            actor=request.user,
        ),
        _("Đã lưu thay đổi."),
        meeting,
    )
    return done or render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "heading": _("Sửa thông tin buổi sinh hoạt")},
    )


@login_required
def meeting_move(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    local = timezone.localtime(meeting.planned_at)
    form = MoveForm(
        request.POST or None,
        initial={"version": meeting.version, "date": local.date(), "time": local.time()},
    )
    done = _form_action(
        request,
        form,
        lambda d: services.move_meeting(
            meeting,
            new_at=form.planned_at(),
            reason=d["reason"],
            place=d["place"],
            expected_version=d["version"],
            actor=request.user,
        ),
        _("Đã dời lịch và báo cho đảng viên."),
        meeting,
    )
    return done or render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": _("Dời lịch buổi sinh hoạt"),
            "warning": _(
                "Đã điểm danh %(n)s người; dời lịch sẽ bỏ các lượt điểm danh này "
                "(buổi sinh hoạt chưa diễn ra)."
            )
            % {"n": meeting.marked_count}
            if meeting.roll_call_open and meeting.marked_count
            else "",
        },
    )


@login_required
def meeting_cancel(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    form = CancelForm(request.POST or None, initial={"version": meeting.version})
    done = _form_action(
        request,
        form,
        lambda d: services.cancel_meeting(
            meeting, reason=d["reason"], expected_version=d["version"], actor=request.user
        ),
        _("Đã hủy buổi sinh hoạt và báo cho đảng viên."),
        meeting,
    )
    return done or render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "heading": _("Hủy buổi sinh hoạt"), "danger": True},
    )


@require_perm("meetings:write")
@require_POST
def schedule_generate(request):
    cells = selectors.writable_cells(request.user).filter(meeting_day__isnull=False)
    created = services.generate_schedule(
        cells, start=timezone.localdate(), months=3, actor=request.user
    )
    messages.success(
        request, _("Đã tạo %(n)s buổi sinh hoạt định kỳ cho 3 tháng tới.") % {"n": created}
    )
    return redirect("meetings:list")


# ---------------------------------------------------------------- guests


@login_required
@require_POST
def guest_add(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    return _form_action(
        request,
        GuestForm(request.POST),
        lambda d: services.add_guest(meeting, actor=request.user, **d),
        _("Đã ghi nhận đại biểu dự."),
        meeting,
        inline=False,
    )


@login_required
@require_POST
def guest_remove(request, pk: int, guest_pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    guest = get_object_or_404(Guest, meeting=meeting, pk=guest_pk)
    services.remove_guest(guest, actor=request.user)
    messages.success(request, _("Đã xóa đại biểu."))
    return redirect("meetings:detail", pk=meeting.pk)


# ---------------------------------------------------------------- minutes & issues


@login_required
def minutes_edit(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    initial = {"version": minutes.version if minutes else 0}
    if minutes is None:
        initial["agenda"] = services.default_agenda(meeting)
    form = MinutesForm(request.POST or None, instance=minutes, initial=initial)
    done = _form_action(
        request,
        form,
        lambda d: services.save_minutes(
            meeting,
            expected_version=d.get("version") if minutes else None,
            actor=request.user,
            **{k: v for k, v in d.items() if k != "version"},
        ),
        _("Đã lưu biên bản."),
        meeting,
    )
    return done or render(
        request,
        "meetings/minutes_form.html",
        {"form": form, "meeting": meeting, "issue_form": IssueForm()},
    )


@login_required
def minutes_pdf(request, pk: int):
    meeting = get_meeting(request, pk)
    if not has_org_permission(request.user, meeting.organization, "meetings:read"):
        raise PermissionDenied
    minutes = get_object_or_404(Minutes, meeting=meeting)
    attendances = Attendance.objects.filter(meeting=meeting)
    figures = services.attendance_figures(meeting)
    local = timezone.localtime(meeting.planned_at)
    pdf = render_pdf(
        "meetings/minutes_pdf.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "figures": figures,
            "absent_names": list(
                attendances.exclude(status__in=["present", "late"])
                .select_related("member")
                .order_by("member__search_name")
            ),
            "guests": list(meeting.guests.all()),
            "issues": list(meeting.issues.all()),
            "paper": make_paper(
                meeting.organization,
                kind="BB",
                title=_("Biên bản"),
                issued_on=local.date(),
                number=minutes.number,
                recipients=[_("Lưu chi bộ")],
                signers=[
                    Signer(position=_("Thư ký"), name=minutes.secretary, mode=""),
                    Signer(position=_("Chủ trì"), name=minutes.chair, mode=""),
                ],
            ),
            "local": local,
        },
    )
    return pdf_response(pdf, f"bien-ban-sinh-hoat-{local:%Y%m%d}-{meeting.pk}.pdf")


@login_required
@require_POST
def issue_add(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    return _form_action(
        request,
        IssueForm(request.POST),
        lambda d: services.raise_issue(meeting, actor=request.user, **d),
        _("Đã ghi kiến nghị vào biên bản và chuyển theo dõi."),
        meeting,
        inline=False,
    )


# ---------------------------------------------------------------- rating


@login_required
def meeting_rate(request, pk: int, by: str):
    meeting = get_meeting(request, pk)
    if by == Rating.By.SELF:
        check_org_perm(request.user, meeting.organization, "meetings:write")
    elif by == Rating.By.HIGHER:
        if not can_rate_higher(request.user, meeting):
            raise PermissionDenied
    else:
        raise PermissionDenied
    existing = Rating.objects.filter(meeting=meeting, by=by).first()
    form = RatingForm(
        request.POST or None,
        initial={"checks": existing.checks, "note": existing.note} if existing else None,
    )
    done = _form_action(
        request,
        form,
        lambda d: services.rate_meeting(
            meeting, by=by, checks=d["checks"], note=d["note"], actor=request.user
        ),
        lambda rating: (
            _("Đã đánh giá: %(score)s điểm, xếp loại %(level)s.")
            % {"score": rating.score, "level": rating.get_level_display()}
        ),
        meeting,
    )
    if done:
        return done
    groups = []
    for key, label, items in services.CRITERIA:
        groups.append({"key": key, "label": label, "items": items})
    return render(
        request,
        "meetings/rate.html",
        {
            "form": form,
            "meeting": meeting,
            "by": by,
            "criteria": groups,
            "checked": set(form["checks"].value() or []),
            "max_score": services.MAX_SCORE,
            "by_label": Rating.By(by).label,
        },
    )
