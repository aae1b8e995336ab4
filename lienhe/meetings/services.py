"""Meeting rules: schedule generation, planning, moving, cancelling, roll call, QR
check-in, guests, minutes, issues raised and quality rating."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import check_version, lock_checked
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.text import fold

from . import hooks
from .models import Attendance, Guest, Invitee, Meeting, Minutes, RaisedIssue, Rating
from .signals import minutes_issue_raised

CHECKIN_SALT = "lienhe.meetings.checkin"
RESIDENCE_TIME = dt.time(19, 30)  # residence cells meet in the evening
WORKPLACE_TIME = dt.time(16, 0)


class MeetingError(Exception):
    """A meeting change the rules forbid; the message is for the user."""


class StaleEdit(MeetingError):
    pass


STALE_MESSAGE = (
    "Buổi sinh hoạt này vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất "
    "rồi làm lại; những gì bạn vừa nhập vẫn còn trên biểu mẫu."
)


def _locked(meeting: Meeting, expected_version: int | None) -> Meeting:
    return lock_checked(
        Meeting.objects.select_related("organization"),
        meeting.pk,
        expected_version,
        StaleEdit(_(STALE_MESSAGE)),
    )


def _log(meeting: Meeting, action: str, actor, **data: Any) -> None:
    log_action(
        meeting,
        f"meetings.meeting.{action}",
        actor=actor,
        organization_path=meeting.organization.path,
        data=data,
    )


# ---------------------------------------------------------------- schedule


def meeting_date(year: int, month: int, day: int) -> dt.date:
    """The cell's meeting day in that month (the 31st becomes the month's last day)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _months(start: dt.date, months: int) -> list[tuple[int, int]]:
    out = []
    y, m = start.year, start.month
    for _i in range(months):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def default_start(org: Organization, on: dt.date) -> dt.datetime:
    at = WORKPLACE_TIME if org.side == Organization.Side.WORKPLACE else RESIDENCE_TIME
    return timezone.make_aware(dt.datetime.combine(on, at))


def generate_schedule(
    cells: Iterable[Organization] | QuerySet,
    *,
    start: dt.date,
    months: int = 3,
    actor=None,
    skip_past: bool = True,
) -> int:
    """Create the planned regular meetings of `months` months from `start`'s month for
    each cell with a meeting day. Idempotent: one regular meeting per cell and month
    (`period`), so re-running creates nothing and a cancelled or moved meeting is never
    re-created. Returns how many were created."""
    cells = [c for c in cells if c.meeting_day and c.kind == Organization.Kind.CELL]
    if not cells:
        return 0
    periods = [f"{y:04d}-{m:02d}" for y, m in _months(start, months)]
    existing = set(  # a deleted month's meeting is not recreated (restore it instead)
        Meeting.all_objects.filter(
            organization_id__in=[c.pk for c in cells], period__in=periods
        ).values_list("organization_id", "period")
    )
    new = []
    for cell in cells:
        for y, m in _months(start, months):
            period = f"{y:04d}-{m:02d}"
            if (cell.pk, period) in existing:
                continue
            day = meeting_date(y, m, cell.meeting_day)
            if skip_past and day < start:
                continue
            at = default_start(cell, day)
            new.append(
                Meeting(
                    organization=cell,
                    kind=Meeting.Kind.REGULAR,
                    planned_at=at,
                    year=y,
                    period=period,
                    place=cell.address[:200],
                    created_by=actor,
                    search_text=fold(f"{cell.name}  {cell.address}")[:400],
                )
            )
    Meeting.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def _check_cell(org: Organization) -> None:
    if org.kind != Organization.Kind.CELL:
        raise MeetingError(_("Chỉ chi bộ mới tổ chức sinh hoạt chi bộ."))
    if not org.is_active:
        raise MeetingError(_("Chi bộ này đã giải thể hoặc hợp nhất."))


def _check_groups(org: Organization, groups: Iterable[Organization]) -> list[Organization]:
    groups = list(groups or [])
    for group in groups:
        if group.kind != Organization.Kind.GROUP or not group.path.startswith(org.path):
            raise MeetingError(_("Tổ đảng %(g)s không thuộc chi bộ này.") % {"g": group.name})
    return groups


@transaction.atomic
def plan_meeting(
    org: Organization,
    *,
    kind: str,
    planned_at: dt.datetime,
    actor=None,
    place: str = "",
    title: str = "",
    duration_minutes: int = 120,
    groups: Iterable[Organization] = (),
) -> Meeting:
    _check_cell(org)
    groups = _check_groups(org, groups)
    if kind not in Meeting.Kind.values:
        raise MeetingError(_("Loại buổi sinh hoạt không hợp lệ."))
    if groups and kind != Meeting.Kind.WORKING_MEMBERS:
        raise MeetingError(_("Chỉ chọn tổ đảng cho buổi sinh hoạt với đảng viên đang công tác."))
    if kind == Meeting.Kind.THEMATIC and not title.strip():
        raise MeetingError(_("Buổi sinh hoạt chuyên đề cần có chủ đề."))
    period = ""
    if kind == Meeting.Kind.REGULAR:
        local = timezone.localtime(planned_at)
        period = f"{local.year:04d}-{local.month:02d}"
        if Meeting.all_objects.deleted().filter(organization=org, period=period).exists():
            raise MeetingError(
                _(
                    "Buổi sinh hoạt định kỳ tháng %(m)s đã bị xóa; hãy khôi phục ở trang "
                    "“Đã xóa” thay vì tạo lại."
                )
                % {"m": local.strftime("%m/%Y")}
            )
        if Meeting.objects.filter(organization=org, period=period).exists():
            raise MeetingError(
                _(
                    "Tháng %(m)s đã có buổi sinh hoạt định kỳ; hãy dời lịch buổi đó "
                    "hoặc chọn loại khác."
                )
                % {"m": local.strftime("%m/%Y")}
            )
    meeting = Meeting.objects.create(
        organization=org,
        kind=kind,
        planned_at=planned_at,
        place=place or org.address[:200],
        title=title.strip(),
        duration_minutes=duration_minutes,
        period=period,
        created_by=actor,
    )
    if groups:
        meeting.groups.set(groups)
    fix_invitees(meeting)
    _log(
        meeting,
        "planned",
        actor,
        kind=kind,
        at=planned_at.isoformat(),
        groups=[g.pk for g in groups],
    )
    return meeting


@transaction.atomic
def update_meeting(
    meeting: Meeting,
    *,
    expected_version: int,
    actor=None,
    place: str | None = None,
    title: str | None = None,
    duration_minutes: int | None = None,
    groups: Iterable[Organization] | None = None,
) -> Meeting:
    current = _locked(meeting, expected_version)
    if current.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt đã hủy, không sửa được."))
    changed: dict[str, Any] = {}
    for name, value in (("place", place), ("title", title), ("duration_minutes", duration_minutes)):
        if value is not None and getattr(current, name) != value:
            changed[name] = [str(getattr(current, name)), str(value)]
            setattr(current, name, value)
    if current.kind == Meeting.Kind.THEMATIC and not current.title.strip():
        raise MeetingError(_("Buổi sinh hoạt chuyên đề cần có chủ đề."))
    if groups is not None:
        groups = _check_groups(current.organization, groups)
        if groups and current.kind != Meeting.Kind.WORKING_MEMBERS:
            raise MeetingError(
                _("Chỉ chọn tổ đảng cho buổi sinh hoạt với đảng viên đang công tác.")
            )
        old = sorted(current.groups.values_list("pk", flat=True))
        if old != sorted(g.pk for g in groups):
            current.groups.set(groups)
            changed["groups"] = [old, sorted(g.pk for g in groups)]
    if not changed:
        return current
    current.version += 1
    current.save()
    _log(current, "updated", actor, **changed)
    return current


@transaction.atomic
def move_meeting(
    meeting: Meeting,
    *,
    new_at: dt.datetime,
    reason: str,
    expected_version: int,
    actor=None,
    place: str | None = None,
) -> Meeting:
    current = _locked(meeting, expected_version)
    if not reason.strip():
        raise MeetingError(_("Hãy ghi lý do dời lịch."))
    if current.state in (Meeting.State.HELD, Meeting.State.CANCELLED):
        raise MeetingError(_("Chỉ dời được buổi sinh hoạt chưa họp và chưa hủy."))
    if new_at == current.planned_at:
        raise MeetingError(_("Thời gian mới trùng thời gian cũ."))
    if current.original_at is None:
        current.original_at = current.planned_at
    old = current.planned_at
    current.planned_at = new_at
    if place is not None and place.strip():
        current.place = place.strip()
    current.state = Meeting.State.MOVED
    current.state_reason = reason.strip()
    current.reminded_at = None
    current.version += 1
    current.save()
    _log(current, "moved", actor, old=old.isoformat(), new=new_at.isoformat(), reason=reason)
    transaction.on_commit(lambda: announce_change(current.pk))
    return current


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, reason: str, expected_version: int, actor=None) -> Meeting:
    current = _locked(meeting, expected_version)
    if not reason.strip():
        raise MeetingError(_("Hãy ghi lý do hủy buổi sinh hoạt."))
    if current.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt này đã hủy."))
    if current.state == Meeting.State.HELD:
        raise MeetingError(_("Buổi sinh hoạt đã họp, không hủy được."))
    current.state = Meeting.State.CANCELLED
    current.state_reason = reason.strip()
    current.version += 1
    current.save()
    _log(current, "cancelled", actor, reason=reason)
    transaction.on_commit(lambda: announce_change(current.pk))
    return current


# ---------------------------------------------------------------- who is expected


def own_members(org: Organization) -> QuerySet[Member]:
    """The cell's own members who must attend (exempted and departed excluded)."""
    return Member.objects.filter(organization=org, status=Member.Status.ACTIVE)


def working_members(meeting: Meeting) -> QuerySet[Member]:
    source = hooks.working_member_source
    if source is None:
        return Member.objects.none()
    groups = list(meeting.groups.all())
    return source(meeting.organization, groups, timezone.localtime(meeting.planned_at).date())


def computed_members(meeting: Meeting) -> QuerySet[Member]:
    """Who should be invited today: the cell's own members; at a meeting with working
    members, the introduced working members of the chosen groups (all when none)."""
    if meeting.kind == Meeting.Kind.WORKING_MEMBERS:
        return working_members(meeting)
    return own_members(meeting.organization)


def expected_members(meeting: Meeting) -> QuerySet[Member]:
    """The invited list: fixed at scheduling (`fix_invitees`), amended by the
    secretary; before it is fixed (meetings generated ahead), the computed list."""
    if meeting.invitees_fixed_at is not None:
        return Member.objects.filter(invitations__meeting=meeting)
    return computed_members(meeting)


def fix_invitees(meeting: Meeting, *, now: dt.datetime | None = None) -> int:
    """Fix the invited list (idempotent). Called when a meeting is planned and, for a
    meeting generated months ahead, at the first tap. Returns the number invited."""
    if meeting.invitees_fixed_at is not None:
        return meeting.expected_count
    ids = list(computed_members(meeting).values_list("pk", flat=True))
    Invitee.objects.bulk_create(
        [Invitee(meeting=meeting, member_id=mid) for mid in ids], ignore_conflicts=True
    )
    meeting.invitees_fixed_at = now or timezone.now()
    meeting.expected_count = len(ids)
    Meeting.objects.filter(pk=meeting.pk).update(
        invitees_fixed_at=meeting.invitees_fixed_at, expected_count=len(ids)
    )
    return len(ids)


@transaction.atomic
def amend_invitees(
    meeting: Meeting, member: Member, *, invite: bool, reason: str, actor=None
) -> Meeting:
    """The secretary adds a member to (or removes one from) the invited list, with a
    reason kept in the audit log. Removing also drops the member's roll-call mark."""
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_("Hãy ghi lý do bổ sung hoặc bớt người được triệu tập."))
    meeting = _locked(meeting, None)
    if meeting.roll_call_closed_at is not None:
        raise MeetingError(_("Đã chốt điểm danh; hãy mở lại điểm danh trước khi sửa danh sách."))
    fix_invitees(meeting)
    if invite:
        _x, created = Invitee.objects.get_or_create(
            meeting=meeting, member=member, defaults={"reason": reason[:200]}
        )
        if not created:
            raise MeetingError(_("Đồng chí này đã có trong danh sách triệu tập."))
    else:
        deleted, _d = Invitee.objects.filter(meeting=meeting, member=member).delete()
        if not deleted:
            raise MeetingError(_("Đồng chí này không có trong danh sách triệu tập."))
        Attendance.objects.filter(meeting=meeting, member=member).delete()
    recount(meeting)
    _log(
        meeting,
        "invitee_added" if invite else "invitee_removed",
        actor,
        member=member.pk,
        reason=reason[:200],
    )
    return meeting


# ---------------------------------------------------------------- attendance


def _check_can_mark(meeting: Meeting, now: dt.datetime) -> None:
    if meeting.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt đã hủy, không điểm danh được."))
    # Same local day, or inside the QR check-in window (which may start before midnight).
    before_day = timezone.localtime(meeting.planned_at).date() > timezone.localtime(now).date()
    if before_day and now < meeting.checkin_opens:
        raise MeetingError(_("Chưa đến ngày sinh hoạt, chưa điểm danh được."))


def recount(meeting: Meeting, *, held: bool = False) -> None:
    """Refresh the meeting's invited/marked/present counters (and its held state)."""
    counts = Attendance.objects.filter(meeting=meeting).aggregate(
        total=Count("id"),
        present=Count("id", filter=Q(status__in=["present", "late"])),
    )
    invited = (
        Invitee.objects.filter(meeting=meeting).count()
        if meeting.invitees_fixed_at is not None
        else max(meeting.expected_count, counts["total"])
    )
    extra = {"state": Meeting.State.HELD, "held_at": meeting.held_at} if held else {}
    Meeting.objects.filter(pk=meeting.pk).update(
        expected_count=invited,
        present_count=counts["present"],
        marked_count=counts["total"],
        **extra,
    )
    meeting.expected_count = invited
    meeting.present_count = counts["present"]
    meeting.marked_count = counts["total"]


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


def attendance_figures(meeting: Meeting) -> dict:
    """The one set of attendance numbers of a meeting (page, minutes PDF, API):
    invited, present (incl. late), late, excused, absent (without reason), unmarked,
    and the rate present ÷ invited (None while the roll call is open)."""
    counts = dict.fromkeys(Attendance.Status.values, 0)
    for row in Attendance.objects.filter(meeting=meeting).values("status").annotate(n=Count("id")):
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


# ---------------------------------------------------------------- guests, minutes, issues


@transaction.atomic
def add_guest(
    meeting: Meeting,
    *,
    full_name: str,
    position: str = "",
    organization_name: str = "",
    user=None,
    actor=None,
) -> Guest:
    if not full_name.strip():
        raise MeetingError(_("Hãy nhập họ tên đại biểu."))
    if meeting.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt đã hủy."))
    guest = Guest.objects.create(
        meeting=meeting,
        full_name=full_name.strip(),
        position=position.strip(),
        organization_name=organization_name.strip(),
        user=user,
    )
    _log(meeting, "guest_added", actor, guest=guest.full_name, position=guest.position)
    return guest


@transaction.atomic
def remove_guest(guest: Guest, *, actor=None) -> None:
    meeting = guest.meeting
    name = guest.full_name
    guest.delete()
    _log(meeting, "guest_removed", actor, guest=name)


MINUTES_FIELDS = ("chair", "secretary", "agenda", "content", "opinions", "resolutions")


def default_agenda(meeting: Meeting) -> str:
    lines: list[str] = []
    for provider in hooks.AGENDA_PROVIDERS:
        try:
            lines.extend(provider(meeting) or [])
        except Exception:  # a broken provider must not block the minutes
            continue
    return "\n".join(lines)


@transaction.atomic
def save_minutes(
    meeting: Meeting, *, expected_version: int | None, actor=None, **fields: Any
) -> Minutes:
    """Create or update the minutes. `expected_version` is the minutes' version the
    form was loaded with (None when creating)."""
    meeting = _locked(meeting, None)
    if meeting.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt đã hủy, không lập biên bản."))
    if timezone.localtime(meeting.planned_at).date() > timezone.localdate():
        raise MeetingError(_("Chưa đến ngày sinh hoạt, chưa lập biên bản được."))
    unknown = set(fields) - set(MINUTES_FIELDS)
    if unknown:
        raise MeetingError(_("Trường không hợp lệ: %(f)s") % {"f": ", ".join(sorted(unknown))})
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        if expected_version not in (None, 0):
            raise StaleEdit(_(STALE_MESSAGE))
        from lienhe.documents.services import allocate_number

        minutes = Minutes(meeting=meeting, updated_by=actor)
        for name, value in fields.items():
            setattr(minutes, name, value.strip())
        doc = allocate_number(
            meeting.organization,
            kind="minutes",
            symbol="BB/CB",
            issued_on=timezone.localtime(meeting.planned_at).date(),
            title=str(meeting),
            obj=meeting,
            actor=actor,
        )
        minutes.number = f"{doc.number:02d}-{doc.symbol}"
        minutes.save()
        action = "minutes_created"
    else:
        check_version(
            minutes,
            expected_version,
            StaleEdit(
                _(
                    "Biên bản vừa được người khác sửa. Hãy tải lại trang để xem bản mới "
                    "nhất; những gì bạn vừa nhập vẫn còn trên biểu mẫu."
                )
            ),
        )
        for name, value in fields.items():
            setattr(minutes, name, value.strip())
        minutes.version += 1
        minutes.updated_by = actor
        minutes.save()
        action = "minutes_updated"
    if meeting.state != Meeting.State.HELD:
        meeting.state = Meeting.State.HELD
        meeting.held_at = meeting.held_at or timezone.now()
        meeting.version += 1
        meeting.save()
    _log(meeting, action, actor, fields=sorted(fields))
    return minutes


@transaction.atomic
def raise_issue(
    meeting: Meeting,
    *,
    summary: str,
    details: str = "",
    category: str = "",
    raised_by: str = "",
    actor=None,
) -> RaisedIssue:
    """Record an opinion as an issue raised; lienhe.petitions tracks it (signal)."""
    if not summary.strip():
        raise MeetingError(_("Hãy nhập nội dung kiến nghị."))
    if meeting.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt đã hủy."))
    issue = RaisedIssue.objects.create(
        meeting=meeting,
        summary=summary.strip()[:255],
        details=details.strip(),
        category=category.strip()[:60],
        raised_by=raised_by.strip()[:120],
        created_by=actor,
    )
    _log(meeting, "issue_raised", actor, issue=issue.pk, summary=issue.summary)
    minutes_issue_raised.send(
        sender=Meeting,
        meeting=meeting,
        summary=issue.summary,
        details=issue.details,
        category=issue.category,
        actor=actor,
    )
    return issue


# ---------------------------------------------------------------- quality

# Criteria of a good cell meeting (Hướng dẫn 12-HD/BTCTW ngày 06/7/2012 về một số vấn đề
# nâng cao chất lượng sinh hoạt chi bộ; Hướng dẫn 09-HD/BTCTW 2018 sửa đổi): preparation,
# content relevant to the locality, member participation and opinions, clear resolutions.
CRITERIA: list[tuple[str, str, list[tuple[str, str, int]]]] = [
    (
        "preparation",
        "Chuẩn bị",
        [
            ("prep_agenda", "Chi ủy họp chuẩn bị nội dung, chương trình trước", 10),
            ("prep_notice", "Thông báo thời gian, địa điểm đến đảng viên trước", 5),
            ("prep_docs", "Chuẩn bị dự thảo nghị quyết, tài liệu", 10),
        ],
    ),
    (
        "content",
        "Nội dung sát thực tế địa phương",
        [
            ("content_review", "Đánh giá kết quả thực hiện nghị quyết tháng trước", 10),
            ("content_local", "Bám sát nhiệm vụ chính trị, vấn đề bức xúc ở địa phương", 10),
            ("content_info", "Thông tin thời sự, quán triệt chủ trương, nghị quyết", 5),
        ],
    ),
    (
        "participation",
        "Đảng viên tham gia và phát biểu",
        [
            ("part_attendance", "Trên 90% đảng viên dự sinh hoạt", 10),
            ("part_opinions", "Nhiều đảng viên phát biểu ý kiến, thảo luận dân chủ", 10),
            ("part_criticism", "Có phê bình và tự phê bình", 5),
        ],
    ),
    (
        "resolution",
        "Kết luận, nghị quyết rõ ràng",
        [
            ("res_clear", "Kết luận rõ việc, rõ người, rõ thời hạn", 10),
            ("res_minutes", "Biên bản ghi đầy đủ, đúng thể thức", 5),
            ("res_time", "Đúng giờ, thời lượng đủ (từ 90 phút)", 10),
        ],
    ),
]
CHECK_POINTS = {key: points for _g, _l, items in CRITERIA for key, _t, points in items}
MAX_SCORE = sum(CHECK_POINTS.values())


def level_for(score: int) -> str:
    """Tốt from 90, Khá from 70, Trung bình from 50, else Kém (out of 100)."""
    if score >= 90:
        return Rating.Level.GOOD
    if score >= 70:
        return Rating.Level.FAIR
    if score >= 50:
        return Rating.Level.AVERAGE
    return Rating.Level.POOR


@transaction.atomic
def rate_meeting(
    meeting: Meeting, *, by: str, checks: Iterable[str], note: str = "", actor=None
) -> Rating:
    if by not in Rating.By.values:
        raise MeetingError(_("Người đánh giá không hợp lệ."))
    if meeting.state != Meeting.State.HELD:
        raise MeetingError(_("Chỉ đánh giá buổi sinh hoạt đã họp."))
    checks = sorted(set(checks))
    unknown = [c for c in checks if c not in CHECK_POINTS]
    if unknown:
        raise MeetingError(_("Tiêu chí không hợp lệ."))
    score = sum(CHECK_POINTS[c] for c in checks)
    rating, _created = Rating.objects.update_or_create(
        meeting=meeting,
        by=by,
        defaults={
            "checks": checks,
            "score": score,
            "level": level_for(score),
            "note": note.strip(),
            "rated_by": actor,
            "rated_at": timezone.now(),
        },
    )
    _log(meeting, "rated", actor, by=by, score=score, level=rating.level)
    return rating


# ---------------------------------------------------------------- notifications


def _users_of(members: QuerySet[Member]):
    from lienhe.access.models import User

    return User.objects.filter(member__in=members, is_active=True)


def announce_change(meeting_id: int) -> int:
    """Tell the expected members that the meeting was moved or cancelled."""
    from lienhe.notify.services import notify

    meeting = Meeting.objects.select_related("organization").get(pk=meeting_id)
    when = timezone.localtime(meeting.planned_at).strftime("%H:%M %d/%m/%Y")
    if meeting.state == Meeting.State.CANCELLED:
        title = _("Hủy buổi sinh hoạt %(org)s") % {"org": meeting.organization.name}
        body = _("Lý do: %(r)s") % {"r": meeting.state_reason}
    else:
        title = _("Dời lịch sinh hoạt %(org)s sang %(when)s") % {
            "org": meeting.organization.name,
            "when": when,
        }
        body = _("Lý do: %(r)s. Địa điểm: %(p)s") % {
            "r": meeting.state_reason,
            "p": meeting.place,
        }
    return notify(
        _users_of(expected_members(meeting)),
        kind="meetings.change",
        title=title,
        body=body,
        url=f"/sinh-hoat/{meeting.pk}/",
        dedupe_key=f"meeting-change-{meeting.pk}-{meeting.version}",
        # Cannot wait for tomorrow's digest: sent at once (issue 22).
        urgent=True,
        due_on=timezone.localdate(meeting.planned_at),
    )


def cancel_on_merge(sender, *, source: Organization, target: Organization, actor=None, **kw):
    """Receiver of `organization_merged`: the merged cell's upcoming meetings are
    cancelled (the survivor keeps its own schedule); held meetings stay on record."""
    upcoming = Meeting.objects.filter(
        organization=source, state__in=[Meeting.State.PLANNED, Meeting.State.MOVED]
    ).filter(planned_at__gte=timezone.now())
    reason = _("Chi bộ đã hợp nhất vào %(t)s") % {"t": target.name}
    count = upcoming.update(state=Meeting.State.CANCELLED, state_reason=reason[:255])
    if count:
        log_action(
            source,
            "meetings.meetings.cancelled_on_merge",
            actor=actor,
            organization_path=target.path,
            data={"into": target.pk, "count": count},
        )


# ---------------------------------------------------------------- soft delete (issue 10)


def delete_meeting(meeting: Meeting, *, actor, reason: str) -> Meeting:
    """Hide a meeting entered by mistake (kept with who/when/why, restorable)."""
    from lienhe.audit.softdelete import SoftDeleteError, soft_delete

    try:
        return soft_delete(meeting, actor=actor, reason=reason)
    except SoftDeleteError as exc:
        raise MeetingError(str(exc)) from exc


def restore_meeting(meeting: Meeting, *, actor) -> Meeting:
    from lienhe.audit.softdelete import SoftDeleteError, restore

    try:
        return restore(meeting, actor=actor)
    except SoftDeleteError as exc:
        raise MeetingError(str(exc)) from exc
