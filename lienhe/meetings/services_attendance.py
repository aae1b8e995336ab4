"""Roll call, attendance figures and QR check-in (re-exported by `services`)."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.members.models import Member
from lienhe.summaries import hooks as summary_hooks

from .models import Attendance, Meeting
from .services_base import (
    CHECKIN_SALT,
    MeetingError,
    _locked,
    _log,
    expected_members,
    fix_invitees,
    recount,
)

# ---------------------------------------------------------------- attendance


def _check_can_mark(meeting: Meeting, now: dt.datetime) -> None:
    if meeting.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt đã hủy, không điểm danh được."))
    # Same local day, or inside the QR check-in window (which may start before midnight).
    before_day = timezone.localtime(meeting.planned_at).date() > timezone.localtime(now).date()
    if before_day and now < meeting.checkin_opens:
        raise MeetingError(_("Chưa đến ngày sinh hoạt, chưa điểm danh được."))


@transaction.atomic
def mark_attendance(
    meeting: Meeting,
    member: Member,
    status: str,
    *,
    actor=None,
    via: str = Attendance.Via.ROLL_CALL,
    tap_id: str = "",
    tapped_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    note: str | None = None,
) -> tuple[Attendance, bool]:
    """Record one tap. Idempotent: keyed on (meeting, member); a re-sent tap (same
    `tap_id`) or an older tap arriving after a newer one (`tapped_at`) changes nothing.
    `note` (e.g. the reason of an absence) is kept as is when None.
    Returns (attendance, changed)."""
    now = now or timezone.now()
    if status not in Attendance.Status.values:
        raise MeetingError(_("Trạng thái điểm danh không hợp lệ."))
    _check_can_mark(meeting, now)
    tapped_at = tapped_at or now
    if tapped_at > now + dt.timedelta(minutes=5):
        tapped_at = now  # a phone clock far ahead must not freeze later taps
    existing = (
        Attendance.objects.select_for_update()
        .filter(meeting=meeting, member=member)
        .only("id", "status", "tap_id", "marked_at", "via", "note")
        .first()
    )
    note = None if note is None else note.strip()[:200]
    if meeting.roll_call_closed_at is not None:
        raise MeetingError(_("Đã chốt điểm danh; bí thư có thể mở lại điểm danh nếu cần sửa."))
    fix_invitees(meeting, now=now)
    if existing is not None:
        if (tap_id and existing.tap_id == tap_id) or existing.marked_at > tapped_at:
            return existing, False
        if existing.status == status and note in (None, existing.note):
            return existing, False
    else:
        allowed = expected_members(meeting).filter(pk=member.pk).exists()
        if not allowed:
            raise MeetingError(
                _("%(name)s không thuộc danh sách dự buổi sinh hoạt này.")
                % {"name": member.full_name}
            )
    marker = actor if getattr(actor, "is_authenticated", False) else None
    # The row lock above (or the unique constraint for a first tap) serialises taps on
    # one (meeting, member); write directly instead of update_or_create's extra queries.
    if existing is not None:
        attendance = existing
        attendance.status, attendance.marked_at, attendance.via = status, tapped_at, via
        attendance.marked_by, attendance.tap_id = marker, tap_id[:40]
        if note is not None:
            attendance.note = note
        attendance.save(update_fields=["status", "marked_at", "via", "marked_by", "tap_id", "note"])
    else:
        attendance = Attendance.objects.create(
            meeting=meeting,
            member=member,
            status=status,
            marked_at=tapped_at,
            marked_by=marker,
            via=via,
            tap_id=tap_id[:40],
            is_working_member=member.organization_id != meeting.organization_id,
            note=note or "",
        )
    held = meeting.state in (Meeting.State.PLANNED, Meeting.State.MOVED)
    if held:
        meeting.state = Meeting.State.HELD
        meeting.held_at = now
    recount(meeting, held=held)
    log_action(
        attendance,
        "meetings.attendance.marked",
        actor=actor,
        organization_path=meeting.organization.path,
        data={"meeting": meeting.pk, "member": member.pk, "status": status, "via": via},
    )
    return attendance, True


@transaction.atomic
def mark_all_present(meeting: Meeting, *, actor=None, now: dt.datetime | None = None) -> int:
    """ "Tất cả có mặt": every invited member not marked yet is marked present in one
    write; the secretary then taps the exceptions. Returns how many were marked."""
    now = now or timezone.now()
    meeting = _locked(meeting, None)
    _check_can_mark(meeting, now)
    if meeting.roll_call_closed_at is not None:
        raise MeetingError(_("Đã chốt điểm danh; bí thư có thể mở lại điểm danh nếu cần sửa."))
    fix_invitees(meeting, now=now)
    marker = actor if getattr(actor, "is_authenticated", False) else None
    rows = [
        Attendance(
            meeting=meeting,
            member_id=mid,
            status=Attendance.Status.PRESENT,
            marked_at=now,
            marked_by=marker,
            via=Attendance.Via.ROLL_CALL,
            is_working_member=org_id != meeting.organization_id,
        )
        for mid, org_id in unmarked_members(meeting).values_list("pk", "organization_id")
    ]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    held = meeting.state in (Meeting.State.PLANNED, Meeting.State.MOVED)
    if held:
        meeting.state = Meeting.State.HELD
        meeting.held_at = now
    recount(meeting, held=held)
    _log(meeting, "all_present", actor, marked=len(rows))
    return len(rows)


def attendance_figures(meeting: Meeting, counts: dict[str, int] | None = None) -> dict:
    """The one set of attendance numbers of a meeting (page, minutes PDF, API):
    invited, present (incl. late), late, excused, absent (without reason), unmarked,
    and the rate present ÷ invited (None while the roll call is open). `counts`: rows
    per status when the caller has already read all of the meeting's rows (the page)."""
    if counts is None:
        counts = dict.fromkeys(Attendance.Status.values, 0)
        rows = Attendance.objects.filter(meeting=meeting).values("status").annotate(n=Count("id"))
        for row in rows:
            counts[row["status"]] = row["n"]
    invited = meeting.expected_count
    present = counts["present"] + counts["late"]
    marked = sum(counts.values())
    return {
        "invited": invited,
        "present": present,
        "on_time": counts["present"],
        "late": counts["late"],
        "excused": counts["excused"],
        "absent": counts["absent"],
        "marked": marked,
        "unmarked": max(invited - marked, 0),
        "closed": meeting.roll_call_closed_at is not None,
        "rate": meeting.attendance_rate,
    }


def unmarked_members(meeting: Meeting) -> QuerySet[Member]:
    """Invited members not marked yet: closing the roll call marks them absent
    without reason (the confirmation page shows how many)."""
    return expected_members(meeting).exclude(attendances__meeting=meeting)


@transaction.atomic
def close_roll_call(meeting: Meeting, *, actor=None, now: dt.datetime | None = None) -> int:
    """The meeting is over: every invited member not yet marked is absent without
    reason; the roll call is closed and the meeting held. Returns how many were marked
    absent."""
    now = now or timezone.now()
    meeting = _locked(meeting, None)
    _check_can_mark(meeting, now)
    if meeting.roll_call_closed_at is not None:
        raise MeetingError(_("Điểm danh đã được chốt."))
    fix_invitees(meeting, now=now)
    marked = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    rows = [
        Attendance(
            meeting=meeting,
            member_id=mid,
            status=Attendance.Status.ABSENT,
            marked_at=now,
            marked_by=actor if getattr(actor, "is_authenticated", False) else None,
            via=Attendance.Via.CLOSING,
            is_working_member=org_id != meeting.organization_id,
        )
        for mid, org_id in expected_members(meeting).values_list("pk", "organization_id")
        if mid not in marked
    ]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    if meeting.state != Meeting.State.HELD:
        meeting.state = Meeting.State.HELD
        meeting.held_at = meeting.held_at or now
    meeting.roll_call_closed_at = now
    meeting.version += 1
    meeting.save()
    summary_hooks.changed("meetings", [meeting.organization_id])  # issue 21
    recount(meeting)
    _log(meeting, "roll_call_closed", actor, absent=len(rows))
    return len(rows)


def reopen_window(meeting: Meeting) -> dt.timedelta:
    from lienhe.orgs.services import effective_policy

    closed = timezone.localtime(meeting.roll_call_closed_at or timezone.now()).date()
    hours = effective_policy(meeting.organization, "roll_call_reopen_hours", closed)
    return dt.timedelta(hours=int(hours))


def can_reopen_roll_call(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        meeting.roll_call_closed_at is not None
        and now <= meeting.roll_call_closed_at + reopen_window(meeting)
    )


@transaction.atomic
def reopen_roll_call(
    meeting: Meeting, *, reason: str, actor=None, now: dt.datetime | None = None
) -> Meeting:
    """The secretary reopens a closed roll call within the Policy window
    (`roll_call_reopen_hours`); the absences written by the closing are taken back
    so the count shows real taps again. Audit row `meetings.meeting.roll_call_reopened`."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_("Hãy ghi lý do mở lại điểm danh."))
    meeting = _locked(meeting, None)
    if meeting.roll_call_closed_at is None:
        raise MeetingError(_("Điểm danh chưa được chốt."))
    if not can_reopen_roll_call(meeting, now):
        raise MeetingError(
            _("Đã quá %(h)s giờ kể từ khi chốt điểm danh, không mở lại được.")
            % {"h": int(reopen_window(meeting).total_seconds() // 3600)}
        )
    removed, _d = Attendance.objects.filter(meeting=meeting, via=Attendance.Via.CLOSING).delete()
    meeting.roll_call_closed_at = None
    meeting.version += 1
    meeting.save()
    summary_hooks.changed("meetings", [meeting.organization_id])  # issue 21
    recount(meeting)
    _log(meeting, "roll_call_reopened", actor, reason=reason[:200], unmarked=removed)
    return meeting


def checkin_token(meeting: Meeting) -> str:
    """Signed token for the meeting's QR code; it names the planned start, so moving the
    meeting voids codes already printed."""
    return signing.dumps(
        {"m": meeting.pk, "t": int(meeting.planned_at.timestamp())}, salt=CHECKIN_SALT
    )


def meeting_for_token(token: str) -> Meeting:
    try:
        data = signing.loads(token, salt=CHECKIN_SALT)
    except signing.BadSignature as exc:
        raise MeetingError(_("Mã QR không hợp lệ.")) from exc
    meeting = Meeting.objects.select_related("organization").filter(pk=data.get("m")).first()
    if meeting is None or int(meeting.planned_at.timestamp()) != data.get("t"):
        raise MeetingError(_("Mã QR đã hết hiệu lực (buổi sinh hoạt đã đổi lịch)."))
    return meeting


def check_in(token: str, *, user, now: dt.datetime | None = None) -> Attendance:
    """The logged-in member scanned the meeting's QR: mark them present (late when they
    arrive more than 15 minutes after the start)."""
    now = now or timezone.now()
    meeting = meeting_for_token(token)
    if meeting.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt đã hủy."))
    if now < meeting.checkin_opens:
        raise MeetingError(_("Chưa đến giờ điểm danh (mở trước giờ họp 30 phút)."))
    if now > meeting.checkin_closes:
        raise MeetingError(_("Mã QR đã hết hạn: buổi sinh hoạt đã kết thúc."))
    member = getattr(user, "member", None) if getattr(user, "member_id", None) else None
    if member is None:
        raise MeetingError(_("Tài khoản của bạn chưa gắn với hồ sơ đảng viên."))
    late = now > meeting.planned_at + dt.timedelta(minutes=15)
    status = Attendance.Status.LATE if late else Attendance.Status.PRESENT
    existing = Attendance.objects.filter(meeting=meeting, member=member).first()
    if existing is not None and existing.attended:
        return existing
    attendance, _changed = mark_attendance(
        meeting, member, status, actor=user, via=Attendance.Via.QR, now=now, tapped_at=now
    )
    return attendance
