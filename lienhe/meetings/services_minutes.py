"""Guests, minutes, issues raised, quality rating, change announcements and soft
delete of meetings (re-exported by `services`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.audit.softdelete import restore, soft_delete
from lienhe.concurrency import check_version
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks

from . import hooks
from .models import Guest, Meeting, Minutes, RaisedIssue, Rating
from .services_base import (
    STALE_MESSAGE,
    MeetingError,
    StaleEdit,
    _locked,
    _log,
)
from .signals import minutes_issue_raised

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
        summary_hooks.changed("meetings", [meeting.organization_id])  # issue 21
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
    # No summary counts ratings; the meetings report (cached per subtree) shows them.
    summary_hooks.paths_changed([meeting.organization.path])
    _log(meeting, "rated", actor, by=by, score=score, level=rating.level)
    return rating


# ---------------------------------------------------------------- notifications


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
    return soft_delete(meeting, actor=actor, reason=reason, summary="meetings", error=MeetingError)


def restore_meeting(meeting: Meeting, *, actor) -> Meeting:
    return restore(meeting, actor=actor, summary="meetings", error=MeetingError)
