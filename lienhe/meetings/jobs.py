"""Daily jobs (idempotent; `send_reminders` / `run_daily` call them): generate the
regular schedule, invite and remind expected members, flag cells with no meeting
recorded after their meeting day, flag members with repeated unexcused absences."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.models import User
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy

from . import services
from .models import Attendance, Meeting

INVITE_DAYS = 7
SCHEDULE_MONTHS = 3


def _officers(org_ids) -> dict[int, list]:
    out: dict[int, list] = {}
    users = User.objects.filter(
        is_active=True, roles__role="cell_officer", roles__organization_id__in=list(org_ids)
    ).values_list("roles__organization_id", "pk")
    by_id = {u.pk: u for u in User.objects.filter(pk__in=[pk for _o, pk in users])}
    for org_id, pk in users:
        out.setdefault(org_id, []).append(by_id[pk])
    return out


def generate_regular_schedule(today: dt.date) -> int:
    cells = Organization.objects.filter(
        kind=Organization.Kind.CELL, is_active=True, meeting_day__isnull=False
    ).only("pk", "name", "meeting_day", "side", "address", "kind")
    return services.generate_schedule(cells, start=today, months=SCHEDULE_MONTHS)


def invitations_and_reminders(today: dt.date) -> int:
    """Invitation a week before, reminder the day before (once each per date)."""
    sent = 0
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    horizon = start + dt.timedelta(days=INVITE_DAYS + 1)
    meetings = Meeting.objects.filter(
        state__in=[Meeting.State.PLANNED, Meeting.State.MOVED],
        planned_at__gte=start,
        planned_at__lt=horizon,
    ).select_related("organization")
    for meeting in meetings.iterator(chunk_size=500):
        local = timezone.localtime(meeting.planned_at)
        days = (local.date() - today).days
        if days <= 1:
            kind, key, field = "reminder", "remind", "reminded_at"
            title = _("Nhắc lịch: %(org)s sinh hoạt lúc %(when)s") % {
                "org": meeting.organization.name,
                "when": local.strftime("%H:%M %d/%m/%Y"),
            }
        else:
            kind, key, field = "invitation", "invite", "invited_at"
            title = _("Giấy mời sinh hoạt: %(org)s, %(when)s") % {
                "org": meeting.organization.name,
                "when": local.strftime("%H:%M %d/%m/%Y"),
            }
        if getattr(meeting, field) is not None and key == "invite":
            continue
        users = services._users_of(services.expected_members(meeting))
        sent += notify(
            users,
            kind=f"meetings.{kind}",
            title=title,
            body=_("%(kind)s. Địa điểm: %(place)s.")
            % {"kind": meeting.title or meeting.get_kind_display(), "place": meeting.place or "—"},
            url=f"/sinh-hoat/{meeting.pk}/",
            dedupe_key=f"meeting-{key}-{meeting.pk}-{local.date().isoformat()}",
        )
        Meeting.objects.filter(pk=meeting.pk).update(**{field: timezone.now()})
    return sent


def meetings_not_recorded(today: dt.date) -> int:
    """A cell whose meeting day passed more than N days ago with the meeting neither
    recorded as held nor moved/cancelled gets a reminder (its officers)."""
    sent = 0
    cells = list(
        Organization.objects.filter(kind=Organization.Kind.CELL, is_active=True)
        .filter(meetings__state=Meeting.State.PLANNED)
        .distinct()
        .only("pk", "path", "name")
    )
    if not cells:
        return 0
    days = effective_policy(cells[0], "meeting_unrecorded_alert_days", today)
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min))
    late = (
        Meeting.objects.filter(
            state=Meeting.State.PLANNED,
            planned_at__lt=cutoff,
            planned_at__gte=cutoff - dt.timedelta(days=60),
        )
        .select_related("organization")
        .order_by("planned_at")
    )
    late = list(late[:5000])
    officers = _officers({m.organization_id for m in late})
    for meeting in late:
        when = timezone.localtime(meeting.planned_at).strftime("%d/%m/%Y")
        sent += notify(
            officers.get(meeting.organization_id, []),
            kind="meetings.not_recorded",
            title=_("Chưa ghi nhận buổi sinh hoạt ngày %(d)s") % {"d": when},
            body=_(
                "%(org)s chưa điểm danh hoặc lập biên bản buổi sinh hoạt ngày %(d)s. "
                "Nếu đã họp, hãy điểm danh; nếu không họp, hãy ghi lý do dời hoặc hủy."
            )
            % {"org": meeting.organization.name, "d": when},
            url=f"/sinh-hoat/{meeting.pk}/",
            dedupe_key=f"meeting-unrecorded-{meeting.pk}",
        )
    return sent


def _province_limits(rows: list[dict], key: str, today: dt.date) -> dict[str, int]:
    """{province path: the Policy threshold `key` of that province} for the members of
    `rows` (each member is judged by their own province's rule)."""
    steplen = Organization.steplen
    paths = {r["member__organization__path"][:steplen] for r in rows}
    return {
        prov.path: int(effective_policy(prov, key, today))
        for prov in Organization.objects.filter(path__in=paths)
    }


def repeated_absences(today: dt.date) -> int:
    """Unexcused absences this year, two counts kept apart:

    * own cell: the Statute's rule (Điều lệ Đảng, Điều 8, Khoản 2: "bỏ sinh hoạt chi bộ
      ba tháng trong năm" → xóa tên) — the member's own cell is told;
    * residence cell (working members): Quy định 213-QĐ/TW, Điều 4 — the residence cell
      reflects it to the workplace committee ("phản ánh với cấp ủy cơ quan"); no
      striking-off text, which concerns the own cell only.

    Each threshold comes from the member's own province."""
    base = Attendance.objects.filter(
        meeting__year=today.year,
        meeting__state=Meeting.State.HELD,
        meeting__deleted_at__isnull=True,
        status=Attendance.Status.ABSENT,
    )
    fields = ("member_id", "member__full_name", "member__organization_id")
    own_rows = list(
        base.filter(meeting__organization_id=F("member__organization_id"), is_working_member=False)
        .values(*fields, "member__organization__path")
        .annotate(n=Count("id"))
        .filter(n__gte=1)
        .order_by()[:20000]
    )
    res_rows = list(
        base.filter(is_working_member=True)
        .values(*fields, "member__organization__path")
        .annotate(n=Count("id"))
        .order_by()[:20000]
    )
    steplen = Organization.steplen
    own_limit = _province_limits(own_rows, "unexcused_absence_alert", today)
    res_limit = _province_limits(res_rows, "residence_absence_alert", today)
    own_rows = [
        r
        for r in own_rows
        if r["n"] >= own_limit.get(r["member__organization__path"][:steplen], 10**6)
    ]
    res_rows = [
        r
        for r in res_rows
        if r["n"] >= res_limit.get(r["member__organization__path"][:steplen], 10**6)
    ]
    if not own_rows and not res_rows:
        return 0
    where = dict(
        base.filter(
            member_id__in=[r["member_id"] for r in res_rows], is_working_member=True
        ).values_list("member_id", "meeting__organization_id")
    )
    officers = _officers(
        {r["member__organization_id"] for r in own_rows + res_rows} | set(where.values())
    )
    sent = 0
    for row in own_rows:
        sent += notify(
            officers.get(row["member__organization_id"], []),
            kind="meetings.absences",
            title=_("%(name)s vắng sinh hoạt chi bộ không lý do %(n)s lần trong năm")
            % {"name": row["member__full_name"], "n": row["n"]},
            body=_(
                "Điều lệ Đảng, Điều 8, Khoản 2: đảng viên bỏ sinh hoạt chi bộ ba tháng trong "
                "năm không có lý do chính đáng thì chi bộ xem xét, đề nghị xóa tên."
            ),
            url=f"/dang-vien/{row['member_id']}/",
            dedupe_key=f"meeting-absences-{row['member_id']}-{today.year}-{row['n']}",
        )
    for row in res_rows:
        targets = set(officers.get(where.get(row["member_id"]), []))
        targets |= set(officers.get(row["member__organization_id"], []))
        sent += notify(
            targets,
            kind="meetings.residence_absences",
            title=_("%(name)s vắng sinh hoạt nơi cư trú không lý do %(n)s lần trong năm")
            % {"name": row["member__full_name"], "n": row["n"]},
            body=_(
                "Quy định 213-QĐ/TW, Điều 4: chi ủy nơi cư trú phản ánh với cấp ủy cơ quan nơi "
                "đảng viên công tác việc đảng viên không tham gia sinh hoạt nơi cư trú, để "
                "nhắc nhở và xem xét khi đánh giá, xếp loại."
            ),
            url=f"/dang-vien/{row['member_id']}/",
            dedupe_key=f"meeting-res-absences-{row['member_id']}-{today.year}-{row['n']}",
        )
    return sent
