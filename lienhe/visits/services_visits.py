"""Visits: planning a visit, missed visits, reschedules and the visit report."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import lock_checked
from lienhe.orgs.models import Organization

from .models import (
    CommitteeMember,
    HeardPetition,
    MissReason,
    Visit,
    VisitReport,
)
from .services_base import (
    STALE_MESSAGE,
    StaleEdit,
    VisitError,
    _out_of_scope,
    report_due_days,
    scope_cells,
    visits_changed,
)
from .signals import visit_report_filed

# ---------------------------------------------------------------- visits


def meeting_date(cell: Organization, year: int, month: int) -> dt.date:
    """The cell's regular meeting day in that month (day 5 when not recorded)."""
    import calendar

    day = cell.meeting_day or 5
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day, last))


def find_meeting(cell: Organization, on: dt.date):
    from lienhe.meetings.models import Meeting

    return (
        Meeting.objects.filter(organization=cell, planned_at__date=on)
        .live()
        .order_by("planned_at")
        .first()
    )


def _check_visit_slot(
    committee_member: CommitteeMember,
    cell: Organization,
    planned_on: dt.date,
    *,
    today: dt.date,
    exclude_pk: int | None = None,
    replaces_year: int | None = None,
) -> None:
    """`replaces_year`: the plan year of a missed visit being rescheduled. Its catch-up
    may fall in the next year (a December miss moved to January), when the new year's
    assignments may not be made yet: the cell being in scope for either year suffices."""
    if planned_on < today:
        raise VisitError(_("Ngày dự kiến đã qua; hãy chọn một ngày từ hôm nay trở đi."))
    scope_years = {planned_on.year, replaces_year or planned_on.year}
    if not any(
        scope_cells(committee_member, year).filter(pk=cell.pk).exists() for year in scope_years
    ):
        raise _out_of_scope(committee_member, cell)
    busy = Visit.objects.exclude(state=Visit.State.MISSED).filter(planned_on=planned_on)
    if exclude_pk:
        busy = busy.exclude(pk=exclude_pk)
    other = busy.filter(cell=cell).select_related("committee_member").first()
    if other is not None:
        raise VisitError(
            _("Ngày %(d)s chi bộ này đã có đồng chí %(name)s về dự; hãy chọn buổi khác.")
            % {"d": planned_on.strftime("%d/%m/%Y"), "name": other.committee_member.full_name}
        )
    if busy.filter(committee_member=committee_member).exists():
        raise VisitError(
            _("Ngày %(d)s đồng chí đã có lịch dự sinh hoạt ở chi bộ khác.")
            % {"d": planned_on.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def plan_visit(
    committee_member: CommitteeMember,
    cell: Organization,
    planned_on: dt.date,
    *,
    actor=None,
    today: dt.date | None = None,
) -> Visit:
    today = today or timezone.localdate()
    _check_visit_slot(committee_member, cell, planned_on, today=today)
    visit = Visit.objects.create(
        committee_member=committee_member,
        cell=cell,
        planned_on=planned_on,
        meeting=find_meeting(cell, planned_on),
        created_by=actor,
    )
    log_action(
        visit,
        "visits.visit.planned",
        actor=actor,
        organization_path=cell.path,
        data={"committee_member": committee_member.pk, "date": planned_on.isoformat()},
    )
    visits_changed(cell.path)
    return visit


@transaction.atomic
def mark_missed(
    visit: Visit,
    *,
    reason: str,
    note: str = "",
    new_date: dt.date | None = None,
    expected_version: int,
    actor=None,
    today: dt.date | None = None,
) -> Visit | None:
    """The planned visit cannot happen: record why; optionally reschedule it (the new
    visit replaces it in the plan, the miss stays counted). Returns the new visit."""
    today = today or timezone.localdate()
    current = lock_checked(
        Visit.objects.all(), visit.pk, expected_version, StaleEdit(_(STALE_MESSAGE))
    )
    if current.state != Visit.State.PLANNED:
        raise VisitError(_("Chỉ lượt dự đang lên kế hoạch mới có thể đánh dấu không dự được."))
    if reason not in MissReason.values:
        raise VisitError(_("Hãy chọn lý do không dự được."))
    if reason == MissReason.OTHER and not note.strip():
        raise VisitError(_("Hãy ghi rõ lý do khác."))
    current.state = Visit.State.MISSED
    current.miss_reason = reason
    current.miss_note = note.strip()
    current.version += 1
    new_visit = None
    if new_date is not None:
        cm = current.committee_member
        _check_visit_slot(
            cm,
            current.cell,
            new_date,
            today=today,
            exclude_pk=current.pk,
            replaces_year=current.year,
        )
        new_visit = Visit.objects.create(
            committee_member=cm,
            cell=current.cell,
            planned_on=new_date,
            meeting=find_meeting(current.cell, new_date),
            created_by=actor,
        )
        current.rescheduled_to = new_visit
    current.save()
    log_action(
        current,
        "visits.visit.missed",
        actor=actor,
        organization_path=current.cell.path,
        data={
            "reason": reason,
            "note": current.miss_note,
            "rescheduled_to": new_date.isoformat() if new_date else None,
        },
    )
    visits_changed(current.cell.path)
    return new_visit


@transaction.atomic
def change_date(
    visit: Visit,
    planned_on: dt.date,
    *,
    expected_version: int,
    actor=None,
    today: dt.date | None = None,
) -> Visit:
    """Staff moves a planned visit (e.g. the cell moved its meeting)."""
    today = today or timezone.localdate()
    current = lock_checked(
        Visit.objects.select_related("cell"),
        visit.pk,
        expected_version,
        StaleEdit(_(STALE_MESSAGE)),
    )
    if current.state != Visit.State.PLANNED:
        raise VisitError(_("Chỉ đổi ngày được lượt dự đang lên kế hoạch."))
    cm = CommitteeMember.objects.select_related("committee__organization").get(
        pk=current.committee_member_id
    )
    _check_visit_slot(cm, current.cell, planned_on, today=today, exclude_pk=current.pk)
    old = current.planned_on
    current.planned_on = planned_on
    current.meeting = find_meeting(current.cell, planned_on)
    current.version += 1
    current.save()
    log_action(
        current,
        "visits.visit.moved",
        actor=actor,
        organization_path=current.cell.path,
        data={"from": old.isoformat(), "to": planned_on.isoformat()},
    )
    visits_changed(current.cell.path)
    return current


def _mark_present_on_meeting(meeting, cm: CommitteeMember) -> None:
    from lienhe.meetings.models import Guest

    if cm.user_id and meeting.guests.filter(user_id=cm.user_id).exists():
        return
    if meeting.guests.filter(full_name=cm.full_name).exists():
        return
    Guest.objects.create(
        meeting=meeting,
        full_name=cm.full_name,
        position=cm.title or cm.get_position_display(),
        organization_name=cm.committee.name,
        user_id=cm.user_id,
    )


def _rate_meeting(meeting, checks: list[str], actor) -> None:
    """Record the higher committee's rating on a held meeting (once)."""
    from lienhe.meetings.models import Rating
    from lienhe.meetings.services import MeetingError, rate_meeting

    if not checks or meeting.state != "held":
        return
    if Rating.objects.filter(meeting=meeting, by=Rating.By.HIGHER).exists():
        return
    try:
        rate_meeting(meeting, by=Rating.By.HIGHER, checks=checks, actor=actor)
    except MeetingError:
        pass


@transaction.atomic
def file_report(
    visit: Visit,
    *,
    attended_on: dt.date,
    chair: str,
    content: str,
    quality: str = "",
    criteria: list[str] | None = None,
    observations: str = "",
    opinions: str = "",
    resolved_on_spot: str = "",
    recommendations: str = "",
    members_present: int | None = None,
    members_total: int | None = None,
    petitions: list[dict] | None = None,
    actor=None,
    now: dt.datetime | None = None,
) -> VisitReport:
    """File the visit report: the visit is done, the visitor is recorded on the
    meeting, each petition heard goes to lienhe.petitions via `visit_report_filed`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    current = (
        Visit.objects.select_for_update()
        .select_related("cell", "committee_member__committee__organization")
        .get(pk=visit.pk)
    )
    if current.state == Visit.State.DONE or VisitReport.objects.filter(visit=current).exists():
        raise VisitError(_("Lượt dự này đã có báo cáo."))
    if current.state == Visit.State.MISSED:
        raise VisitError(_("Lượt dự này đã được đánh dấu không dự được."))
    if attended_on > today:
        raise VisitError(_("Chưa thể báo cáo một buổi sinh hoạt chưa diễn ra."))
    if abs((attended_on - current.planned_on).days) > 45:
        raise VisitError(
            _("Ngày dự cách ngày dự kiến quá 45 ngày; hãy đổi lịch lượt dự thay vì báo cáo.")
        )
    if members_present is not None and members_total is not None:
        if members_present > members_total:
            raise VisitError(_("Số đảng viên có mặt không thể lớn hơn tổng số đảng viên."))
    from lienhe.meetings.services import CHECK_POINTS, level_for

    chosen = sorted({c for c in (criteria or []) if c in CHECK_POINTS})
    if not quality:
        quality = level_for(sum(CHECK_POINTS[c] for c in chosen))
    cm = current.committee_member
    org = cm.committee.organization
    due = attended_on + dt.timedelta(days=report_due_days(org, attended_on))
    meeting = current.meeting or find_meeting(current.cell, attended_on)
    report = VisitReport.objects.create(
        visit=current,
        attended_on=attended_on,
        chair=chair.strip(),
        content=content.strip(),
        quality=quality,
        criteria=chosen,
        observations=observations.strip(),
        opinions=opinions.strip(),
        resolved_on_spot=resolved_on_spot.strip(),
        recommendations=recommendations.strip(),
        members_present=members_present,
        members_total=members_total,
        filed_at=now,
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        days_late=max(0, (today - due).days),
    )
    items = [
        {
            "summary": (p.get("summary") or "").strip()[:255],
            "details": (p.get("details") or "").strip(),
            "category": (p.get("category") or "").strip()[:60],
        }
        for p in petitions or []
        if (p.get("summary") or "").strip()
    ]
    HeardPetition.objects.bulk_create([HeardPetition(report=report, **item) for item in items])
    from lienhe.documents.services import allocate_number

    number = allocate_number(
        org,
        kind="BC-DSH",
        symbol="BC/DSH",
        issued_on=today,
        title=f"Báo cáo dự sinh hoạt {current.cell.name}",
        obj=report,
        actor=report.filed_by,
    )
    report.number = number.display
    report.save(update_fields=["number"])
    current.state = Visit.State.DONE
    current.meeting = meeting
    current.version += 1
    current.save(update_fields=["state", "meeting", "version"])
    if meeting is not None:
        _mark_present_on_meeting(meeting, cm)
        _rate_meeting(meeting, chosen, actor)
    log_action(
        current,
        "visits.report.filed",
        actor=actor,
        organization_path=current.cell.path,
        data={
            "report": report.pk,
            "quality": quality,
            "petitions": len(items),
            "days_late": report.days_late,
        },
    )
    # The visitor is now a guest of the meeting and the meeting rated: its pages too.
    visits_changed(current.cell.path, families=("visits", "meetings"))
    visit_report_filed.send(sender=VisitReport, report=report, items=items, actor=actor)
    return report
