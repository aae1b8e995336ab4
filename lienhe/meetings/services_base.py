"""The core of the meeting rules: errors, locking and the audit line, the schedule,
planning and moving meetings, and who is expected (re-exported by `services`)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import apply_changes, lock_checked
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks
from lienhe.text import fold

from . import hooks
from .models import Attendance, Invitee, Meeting

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


@transaction.atomic
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
    summary_hooks.changed("meetings", {m.organization_id for m in new})  # issue 21
    by_cell: dict[int, list[str]] = {}
    for m in new:
        by_cell.setdefault(m.organization_id, []).append(m.period)
    for cell in cells:  # one audit row per cell planned (bulk_create logs nothing)
        if cell.pk in by_cell:
            log_action(
                cell,
                "meetings.schedule.generated",
                actor=actor,
                organization_path=cell.path,
                data={"periods": by_cell[cell.pk]},
            )
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
    summary_hooks.changed("meetings", [meeting.organization_id])  # issue 21
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
    planned_at: dt.datetime | None = None,
) -> Meeting:
    """Edit a meeting's details. `planned_at` corrects the time (also once the roll
    call has started); on a meeting not held yet the members are told, as for a move."""
    current = _locked(meeting, expected_version)
    if current.state == Meeting.State.CANCELLED:
        raise MeetingError(_("Buổi sinh hoạt đã hủy, không sửa được."))
    changed: dict[str, Any] = {}
    if planned_at is not None and planned_at != current.planned_at:
        changed["planned_at"] = [current.planned_at.isoformat(), planned_at.isoformat()]
        current.planned_at = planned_at
        current.reminded_at = None
        if current.is_upcoming:
            transaction.on_commit(lambda: announce_change(current.pk))
    changed |= apply_changes(
        current,
        {"place": place, "title": title, "duration_minutes": duration_minutes},
        skip_none=True,
    )
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
    summary_hooks.changed("meetings", [current.organization_id])  # issue 21
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
    if current.state == Meeting.State.CANCELLED or (
        current.state == Meeting.State.HELD and not current.roll_call_open
    ):
        raise MeetingError(_("Chỉ dời được buổi sinh hoạt chưa họp và chưa hủy."))
    if new_at == current.planned_at:
        raise MeetingError(_("Thời gian mới trùng thời gian cũ."))
    discarded = 0
    if current.state == Meeting.State.HELD:
        # The roll call was started (e.g. one tap) but the meeting did not take place:
        # the taps of a meeting that is moved do not count; the audit row keeps them.
        taps = list(Attendance.objects.filter(meeting=current).values("member_id", "status"))
        discarded = len(taps)
        Attendance.objects.filter(meeting=current).delete()
        _log(current, "roll_call_discarded", actor, taps=taps[:500], reason=reason[:200])
        current.held_at = None
        current.present_count = current.marked_count = 0
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
    summary_hooks.changed("meetings", [current.organization_id])  # issue 21
    _log(
        current,
        "moved",
        actor,
        old=old.isoformat(),
        new=new_at.isoformat(),
        reason=reason,
        discarded=discarded,
    )
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
    summary_hooks.changed("meetings", [current.organization_id])  # issue 21
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
    if held:
        summary_hooks.changed("meetings", [meeting.organization_id])  # issue 21
    elif meeting.state == Meeting.State.HELD:
        # A mark on a held meeting changes its attendance figures in the meetings
        # report (cached per subtree); no summary counter moves.
        summary_hooks.paths_changed([meeting.organization.path])
    meeting.expected_count = invited
    meeting.present_count = counts["present"]
    meeting.marked_count = counts["total"]
