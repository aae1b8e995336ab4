"""Visits: my page, iCalendar feed, the monthly plan, a visit, the report form."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.guards import require_perm
from lienhe.access.models import User
from lienhe.access.requests import paginate, query_without_page
from lienhe.documents.papers import Signer, make_paper
from lienhe.documents.services import pdf_response, render_pdf
from lienhe.listcache import list_response, list_tables
from lienhe.meetings.models import Meeting
from lienhe.pagecache import cached_page
from lienhe.text import fold
from lienhe.urlformat import url_for

from . import services
from .common import (
    can_act_on_visit,
    can_manage,
    committee_choices,
    get_committee,
    get_visit,
    parents_of,
    pick_committee,
    pick_month,
    require_manage,
    units_under,
)
from .exports import PlanExporter
from .forms import ChangeDateForm, MissedForm, PetitionFormSet, ReportForm, VisitPlanForm
from .models import (
    Committee,
    CommitteeMember,
    HeardPetition,
    Visit,
    VisitAssignment,
    VisitReport,
    quality_criteria,
)
from .panels import my_progress

ICAL_SALT = "lienhe.visits.ical"


def ical_token(user) -> str:
    return signing.Signer(salt=ICAL_SALT).sign(str(user.pk)).replace(":", "-")


@require_perm("visits:read")
@cached_page(Visit, VisitReport, VisitAssignment, CommitteeMember, Committee)
def mine(request):
    today = timezone.localdate()
    year = today.year
    progress = my_progress(request.user, year, today)
    history = (
        Visit.objects.filter(committee_member__user=request.user, year=year)
        .select_related("cell", "report")
        .order_by("-planned_on")[:50]
    )
    feed = ""
    if progress:
        feed = request.build_absolute_uri(reverse("visits:ical", args=[ical_token(request.user)]))
    return render(
        request,
        "visits/mine.html",
        {
            "progress": progress,
            "history": history,
            "year": year,
            "year_end": dt.date(year, 12, 31),
            "feed": feed,
            "due_days": services.report_due_days(progress[0]["cm"].committee.organization)
            if progress
            else 7,
        },
    )


def ical(request, token: str):
    """Personal calendar feed (subscribe from a phone); the signed token is the key."""
    try:
        user_pk = int(signing.Signer(salt=ICAL_SALT).unsign(token.replace("-", ":", 1)))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    today = timezone.localdate()
    visits = (
        Visit.objects.filter(
            committee_member__user_id=user_pk, planned_on__gte=today.replace(month=1, day=1)
        )
        .exclude(state=Visit.State.MISSED)
        .select_related("cell", "meeting")
        .order_by("planned_on")[:500]
    )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Lienhe//Du sinh hoat chi bo//VI",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:" + _ical_text(_("Lịch dự sinh hoạt chi bộ")),
    ]
    for v in visits:
        if v.meeting_id:
            start = timezone.localtime(v.meeting.planned_at)
            end = start + dt.timedelta(minutes=v.meeting.duration_minutes)
            when = [
                f"DTSTART:{start.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}",
                f"DTEND:{end.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}",
            ]
        else:
            nxt = v.planned_on + dt.timedelta(days=1)
            when = [
                f"DTSTART;VALUE=DATE:{v.planned_on:%Y%m%d}",
                f"DTEND;VALUE=DATE:{nxt:%Y%m%d}",
            ]
        lines += [
            "BEGIN:VEVENT",
            f"UID:visit-{v.pk}@lienhe",
            f"DTSTAMP:{stamp}",
            *when,
            "SUMMARY:" + _ical_text(_("Dự sinh hoạt %(cell)s") % {"cell": v.cell.name}),
            "LOCATION:" + _ical_text(v.meeting.place if v.meeting_id else v.cell.address),
            "URL:" + request.build_absolute_uri(reverse("visits:visit_detail", args=[v.pk])),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold_line(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="du-sinh-hoat.ics"'
    return response


def _ical_text(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def _fold_line(line: str) -> str:
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > 74:
            parts.append(current.decode())
            current = b" "
        current += b
    parts.append(current.decode())
    return "\r\n".join(parts)


# ---------------------------------------------------------------- monthly plan


def _plan_queryset(request, committee, year: int, month: int):
    qs = Visit.objects.visible_to(request.user).filter(committee_member__committee=committee)
    if request.GET.get("state") == "awaiting" and not request.GET.get("month"):
        qs = qs.filter(planned_on__year=year)  # every report still missing this year
    else:
        qs = qs.filter(planned_on__year=year, planned_on__month=month)
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        chosen = units_under(committee).filter(pk=int(unit)).first()
        if chosen is not None:
            qs = qs.filter(cell__path__startswith=chosen.path)
    state = request.GET.get("state", "")
    today = timezone.localdate()
    if state == "awaiting":
        qs = qs.filter(state=Visit.State.PLANNED, planned_on__lt=today)
    elif state in Visit.State.values:
        qs = qs.filter(state=state)
    q = fold(request.GET.get("q", ""))
    if q:
        qs = qs.filter(committee_member__search_name__contains=q) | qs.filter(
            cell__name__icontains=request.GET.get("q", "").strip()
        )
    if request.GET.get("remote") == "1":
        qs = qs.filter(cell__is_remote=True)
    return qs.select_related("cell", "committee_member", "report", "meeting").order_by(
        "planned_on", "committee_member__search_name", "pk"
    )


# The tables a month's plan reads (lienhe/listcache.py).
_PLAN_TABLES = list_tables(Visit, VisitReport, Committee, CommitteeMember, Meeting)


@require_perm("visits:read")
def plan(request):
    choices = committee_choices(request.user)
    committee = pick_committee(request, choices)
    year, month = pick_month(request)
    context = {
        "committee": committee,
        "year": year,
        "month": month,
        "month_value": f"{year:04d}-{month:02d}",
        "prev": _shift(year, month, -1),
        "next": _shift(year, month, 1),
        "states": Visit.State.choices,
        "today": timezone.localdate(),
    }
    if committee is None:
        return render(request, "visits/plan.html", context)
    context.update(
        query=query_without_page(request),
        units=units_under(committee),
        committees=choices,
        manage=can_manage(request.user, committee),
        due_days=services.report_due_days(committee.organization),
    )

    def rows():
        page = paginate(request, _plan_queryset(request, committee, year, month))
        parents = parents_of([v.cell for v in page.object_list])
        # Routes reversed once per page, not three times per row (issue 21).
        member_url, visit_url, pdf_url = (
            url_for(name)
            for name in ("visits:member_detail", "visits:visit_detail", "visits:report_pdf")
        )
        for v in page.object_list:
            v.unit = parents.get(v.cell_id)
            v.member_url = member_url(v.committee_member_id)
            v.url = visit_url(v.pk)
            v.pdf_url = pdf_url(v.pk)
        return page

    return list_response(
        request, "visits/plan.html", "visits/_plan_results.html", context, rows, tables=_PLAN_TABLES
    )


def _shift(year: int, month: int, delta: int) -> str:
    month += delta
    if month == 0:
        year, month = year - 1, 12
    elif month == 13:
        year, month = year + 1, 1
    return f"{year:04d}-{month:02d}"


@require_perm("visits:export")
def plan_export(request):
    committee = pick_committee(request)
    if committee is None:
        raise Http404
    year, month = pick_month(request)
    qs = _plan_queryset(request, committee, year, month)
    return PlanExporter(qs, f"{month:02d}/{year}").export(request)


@require_perm("visits:read")
def plan_pdf(request):
    committee = pick_committee(request)
    if committee is None:
        raise Http404
    year, month = pick_month(request)
    visits = list(_plan_queryset(request, committee, year, month)[:2000])
    parents = parents_of([v.cell for v in visits])
    for v in visits:
        v.unit = parents.get(v.cell_id)
    org = committee.organization
    pdf = render_pdf(
        "visits/plan_pdf.html",
        {
            "committee": committee,
            "visits": visits,
            "month": month,
            "year": year,
            "paper": make_paper(
                org,
                kind="KH",
                title=_("Kế hoạch"),
                subtitle=_("phân công cấp ủy viên dự sinh hoạt chi bộ tháng %(m)s năm %(y)s")
                % {"m": month, "y": year},
                issued_on=timezone.localdate(),
                number_key=f"visits-plan-{committee.pk}-{year}-{month:02d}",
                recipients=[
                    _("Các đồng chí cấp ủy viên"),
                    _("Các đảng bộ trực thuộc"),
                    _("Lưu Văn phòng"),
                ],
            ),
            "last_day": calendar.monthrange(year, month)[1],
        },
    )
    return pdf_response(pdf, f"ke-hoach-du-sinh-hoat-{year}-{month:02d}.pdf")


# ---------------------------------------------------------------- one visit


@require_perm("visits:manage")
def visit_create(request, pk: int):
    committee = get_committee(request, pk)
    require_manage(request.user, committee)
    cells = services.residence_cells(committee.organization).order_by("path")
    form = VisitPlanForm(request.POST or None, committee=committee, cells=cells)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        on = data["planned_on"]
        if on is None:
            today = timezone.localdate()
            year = today.year if data["month"] >= today.month else today.year + 1
            on = services.meeting_date(data["cell"], year, data["month"])
        try:
            visit = services.plan_visit(
                data["committee_member"], data["cell"], on, actor=request.user
            )
        except services.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thêm lượt dự sinh hoạt."))
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(request, "visits/visit_form.html", {"form": form, "committee": committee})


@require_perm("visits:read")
@cached_page(Visit, VisitReport, HeardPetition, CommitteeMember, Committee, Meeting, User)
def visit_detail(request, pk: int):
    visit = get_visit(request, pk)
    committee = visit.committee_member.committee
    due_days = services.report_due_days(committee.organization, visit.planned_on)
    report = getattr(visit, "report", None) if visit.state == Visit.State.DONE else None
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "report": report,
            "petitions": list(report.petitions.all()) if report else [],
            "due": visit.report_due(due_days),
            "can_act": can_act_on_visit(request.user, visit),
            "manage": can_manage(request.user, committee),
            "today": timezone.localdate(),
            "rescheduled_from": Visit.objects.filter(rescheduled_to=visit).first(),
        },
    )


@require_perm("visits:read")
def visit_missed(request, pk: int):
    visit = get_visit(request, pk)
    if not can_act_on_visit(request.user, visit):
        raise PermissionDenied
    form = MissedForm(request.POST or None, initial={"version": visit.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.mark_missed(
                visit,
                reason=data["reason"],
                note=data["note"],
                new_date=data["new_date"],
                expected_version=data["version"],
                actor=request.user,
            )
        except services.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            if new is not None:
                messages.success(
                    request,
                    _("Đã ghi lý do và dời lịch sang ngày %(d)s.")
                    % {"d": new.planned_on.strftime("%d/%m/%Y")},
                )
                return redirect("visits:visit_detail", pk=new.pk)
            messages.success(request, _("Đã ghi nhận không dự được và lý do."))
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(request, "visits/missed_form.html", {"form": form, "visit": visit})


@require_perm("visits:manage")
def visit_move(request, pk: int):
    visit = get_visit(request, pk)
    require_manage(request.user, visit.committee_member.committee)
    form = ChangeDateForm(
        request.POST or None, initial={"version": visit.version, "planned_on": visit.planned_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_date(
                visit,
                form.cleaned_data["planned_on"],
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except services.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã đổi ngày dự."))
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(request, "visits/move_form.html", {"form": form, "visit": visit})


@require_perm("visits:read")
def report(request, pk: int):
    visit = get_visit(request, pk)
    if not can_act_on_visit(request.user, visit):
        raise PermissionDenied
    if visit.state != Visit.State.PLANNED:
        messages.info(request, _("Lượt dự này không còn chờ báo cáo."))
        return redirect("visits:visit_detail", pk=visit.pk)
    meeting = visit.meeting or services.find_meeting(visit.cell, visit.planned_on)
    initial = {"attended_on": min(visit.planned_on, timezone.localdate())}
    if meeting is not None and hasattr(meeting, "minutes") and meeting.minutes.chair:
        initial["chair"] = meeting.minutes.chair
    else:
        # No minutes yet: the cell's secretary chairs its meetings (officers, best first).
        from lienhe.documents.papers import officers

        chairs = [o.name for o in officers(visit.cell) if o.name]
        if chairs:
            initial["chair"] = chairs[0]
    if meeting is not None:
        initial["members_total"] = meeting.expected_count or None
        initial["members_present"] = meeting.present_count or None
        if not meeting.present_count:
            # Roll call taken but not closed yet: count what the cell has marked so far.
            from lienhe.meetings import services as meeting_services
            from lienhe.meetings.models import Attendance

            present = Attendance.objects.filter(
                meeting=meeting, status__in=[Attendance.Status.PRESENT, Attendance.Status.LATE]
            ).count()
            if present:
                initial["members_present"] = present
                initial["members_total"] = (
                    meeting.expected_count or meeting_services.expected_members(meeting).count()
                )
    data = request.POST if request.method == "POST" else None
    form = ReportForm(data, initial=initial)
    extra_rows = request.POST.get("add_row") is not None
    formset = PetitionFormSet(data, prefix="pet")
    if extra_rows and formset.is_valid():
        # "Thêm dòng kiến nghị": re-render with one more empty row, keep what was typed.
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("summary")]
        formset = PetitionFormSet(initial=rows + [{}], prefix="pet")
        formset.extra = 1
        # Keep what was typed without flagging fields not filled in yet.
        typed = {name: data.get(name) for name in ReportForm.base_fields}
        typed["criteria"] = data.getlist("criteria")
        form = ReportForm(initial=typed)
    elif request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("summary")]
        try:
            services.file_report(
                visit,
                petitions=items,
                actor=request.user,
                **{k: v for k, v in form.cleaned_data.items()},
            )
        except services.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã nộp báo cáo. %(n)s kiến nghị đã được chuyển theo dõi giải quyết.")
                % {"n": len(items)},
            )
            return redirect("visits:visit_detail", pk=visit.pk)
    due_days = services.report_due_days(visit.committee_member.committee.organization)
    return render(
        request,
        "visits/report_form.html",
        {
            "visit": visit,
            "form": form,
            "formset": formset,
            "meeting": meeting,
            "due": visit.report_due(due_days),
        },
    )


@require_perm("visits:read")
def report_pdf(request, pk: int):
    visit = get_visit(request, pk)
    rep = getattr(visit, "report", None) if visit.state == Visit.State.DONE else None
    if rep is None:
        raise Http404
    cm = visit.committee_member
    org = cm.committee.organization
    parent = parents_of([visit.cell]).get(visit.cell_id)
    pdf = render_pdf(
        "visits/report_pdf.html",
        {
            "visit": visit,
            "report": rep,
            "cm": cm,
            "unit": parent,
            "petitions": list(rep.petitions.all()),
            "criteria": quality_criteria(),
            "chosen": set(rep.criteria or []),
            "paper": make_paper(
                org,
                kind="BC",
                title=_("Báo cáo"),
                subtitle=_("kết quả dự sinh hoạt chi bộ"),
                issued_on=timezone.localtime(rep.filed_at).date(),
                number=rep.number,
                recipients=[_("Ban Thường vụ (để b/c)"), _("Ban Tổ chức"), _("Lưu")],
                signers=[Signer(position=_("Người báo cáo"), name=cm.full_name, mode="")],
            ),
        },
    )
    return pdf_response(pdf, f"bao-cao-du-sinh-hoat-{visit.pk}.pdf")
