"""Daily reminders of the visits module (idempotent through notification dedupe keys):
visits in the next days, reports due and overdue, members behind their minimum."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.notify.services import notify
from lienhe.orgs.services import effective_policy

from . import compliance
from .models import Committee, Visit
from .services import report_due_days


def visit_reminders(today: dt.date) -> int:
    follow_meetings(today)
    return upcoming_visits(today) + reports_due(today) + behind_minimum(today)


def follow_meetings(today: dt.date) -> int:
    """Keep planned visits on the cells' real meetings: link visits to meetings the
    cells have since scheduled; follow a moved meeting to its new date; unlink and tell
    the visitor when it is cancelled. Returns how many visits changed."""
    from django.db import transaction
    from django.utils import timezone

    from lienhe.audit.services import log_action
    from lienhe.meetings.models import Meeting

    changed = 0
    horizon = today + dt.timedelta(days=62)
    planned = Visit.objects.filter(
        state=Visit.State.PLANNED, planned_on__gte=today, planned_on__lte=horizon
    )
    # 1. Link: one query for the meetings of the cells concerned.
    unlinked = list(planned.filter(meeting__isnull=True).only("pk", "cell_id", "planned_on"))
    if unlinked:
        by_day = {}
        for pk, org_id, at in (
            Meeting.objects.filter(
                organization_id__in={v.cell_id for v in unlinked},
                planned_at__date__gte=today,
                planned_at__date__lte=horizon,
            )
            .live()
            .values_list("pk", "organization_id", "planned_at")
        ):
            by_day.setdefault((org_id, timezone.localtime(at).date()), pk)
        linked = []
        for v in unlinked:
            pk = by_day.get((v.cell_id, v.planned_on))
            if pk:
                v.meeting_id = pk
                linked.append(v)
        Visit.objects.bulk_update(linked, ["meeting"])
        changed += len(linked)
    # 2. Moved or cancelled meetings.
    for v in planned.filter(meeting__isnull=False).select_related(
        "meeting", "cell", "committee_member__user"
    ):
        meeting = v.meeting
        day = timezone.localtime(meeting.planned_at).date()
        if meeting.state != Meeting.State.CANCELLED and day == v.planned_on:
            continue
        with transaction.atomic():
            if meeting.state == Meeting.State.CANCELLED:
                v.meeting = None
                action, data = "visits.visit.meeting_cancelled", {"meeting": meeting.pk}
                title = _("Chi bộ %(cell)s hủy buổi sinh hoạt ngày %(d)s") % {
                    "cell": v.cell.name,
                    "d": v.planned_on.strftime("%d/%m/%Y"),
                }
            else:
                old = v.planned_on
                v.planned_on = day
                action, data = "visits.visit.meeting_moved", {"from": str(old), "to": str(day)}
                title = _("Chi bộ %(cell)s dời buổi sinh hoạt sang ngày %(d)s") % {
                    "cell": v.cell.name,
                    "d": day.strftime("%d/%m/%Y"),
                }
            v.version += 1
            v.save()
            log_action(v, action, organization_path=v.cell.path, data=data)
        changed += 1
        if v.committee_member.user_id:
            notify(
                [v.committee_member.user],
                kind="visits.meeting_changed",
                title=title,
                url=reverse("visits:visit_detail", args=[v.pk]),
                dedupe_key=f"visits:meeting_changed:{v.pk}:{action}:{v.planned_on}",
            )
    return changed


def upcoming_visits(today: dt.date) -> int:
    sent = 0
    horizon = today + dt.timedelta(days=14)
    visits = (
        Visit.objects.filter(
            state=Visit.State.PLANNED,
            planned_on__gte=today,
            planned_on__lte=horizon,
            committee_member__user__isnull=False,
        )
        .select_related(
            "cell", "committee_member__user", "committee_member__committee__organization"
        )
        .order_by("planned_on", "pk")
    )
    for visit in visits.iterator(chunk_size=500):
        org = visit.committee_member.committee.organization
        days = int(effective_policy(org, "visit_remind_days_before", today))
        if (visit.planned_on - today).days > days:
            continue
        sent += notify(
            [visit.committee_member.user],
            kind="visits.upcoming",
            title=_("Lịch dự sinh hoạt %(cell)s ngày %(d)s")
            % {"cell": visit.cell.name, "d": visit.planned_on.strftime("%d/%m/%Y")},
            body=_("Đồng chí được phân công dự sinh hoạt chi bộ %(cell)s ngày %(d)s.")
            % {"cell": visit.cell.name, "d": visit.planned_on.strftime("%d/%m/%Y")},
            url=reverse("visits:visit_detail", args=[visit.pk]),
            dedupe_key=f"visits:upcoming:{visit.pk}:{visit.planned_on.isoformat()}",
        )
    return sent


def reports_due(today: dt.date) -> int:
    """The day before the report is due, and once it is overdue (then weekly)."""
    sent = 0
    visits = (
        Visit.objects.filter(
            state=Visit.State.PLANNED,
            planned_on__lt=today,
            planned_on__gte=today - dt.timedelta(days=120),
            committee_member__user__isnull=False,
        )
        .select_related(
            "cell", "committee_member__user", "committee_member__committee__organization"
        )
        .order_by("planned_on", "pk")
    )
    due_days: dict[int, int] = {}
    for visit in visits.iterator(chunk_size=500):
        org = visit.committee_member.committee.organization
        if org.pk not in due_days:
            due_days[org.pk] = report_due_days(org, today)
        due = visit.report_due(due_days[org.pk])
        left = (due - today).days
        if left == 1 or left == 0:
            stage = "before"
            title = _("Sắp đến hạn nộp báo cáo dự sinh hoạt %(cell)s") % {"cell": visit.cell.name}
        elif left < 0 and (-left - 1) % 7 == 0:
            stage = f"late{-left}"
            title = _("Quá hạn %(n)s ngày nộp báo cáo dự sinh hoạt %(cell)s") % {
                "n": -left,
                "cell": visit.cell.name,
            }
        else:
            continue
        sent += notify(
            [visit.committee_member.user],
            kind="visits.report_due",
            title=title,
            body=_(
                "Buổi sinh hoạt ngày %(d)s: hạn nộp báo cáo %(due)s. Nếu không dự được, "
                "hãy ghi lý do để Ban Tổ chức theo dõi."
            )
            % {"d": visit.planned_on.strftime("%d/%m/%Y"), "due": due.strftime("%d/%m/%Y")},
            url=reverse("visits:report", args=[visit.pk]),
            dedupe_key=f"visits:report:{visit.pk}:{stage}",
        )
    return sent


def behind_minimum(today: dt.date) -> int:
    """From 1 July: members who have not done half their yearly minimum."""
    if today.month < 7:
        return 0
    from lienhe.access.models import Role, User

    sent = 0
    for committee in Committee.objects.filter(
        term_start__lte=today, term_end__gte=today
    ).select_related("organization"):
        rows = compliance.member_rows(committee, today.year, today=today)
        behind = [r for r in rows if compliance.behind_midyear(r)]
        users = User.objects.in_bulk(
            [r.committee_member.user_id for r in behind if r.committee_member.user_id]
        )
        for row in behind:
            cm = row.committee_member
            if cm.user_id:
                sent += notify(
                    [users[cm.user_id]],
                    kind="visits.behind",
                    title=_("Chưa đạt số lần dự sinh hoạt tối thiểu năm %(y)s") % {"y": today.year},
                    body=_("Đồng chí đã dự %(done)s/%(req)s lần; hãy sắp xếp lịch dự.")
                    % {"done": row.done, "req": row.required},
                    url=reverse("visits:mine"),
                    dedupe_key=f"visits:behind:{cm.pk}:{today.year}",
                )
        if behind:
            staff = User.objects.filter(
                pk__in=Role.objects.filter(
                    organization=committee.organization, role="committee_staff"
                ).values("user_id")
            )
            sent += notify(
                staff,
                kind="visits.behind_digest",
                title=_("%(n)s cấp ủy viên chưa đạt một nửa chỉ tiêu dự sinh hoạt năm %(y)s")
                % {"n": len(behind), "y": today.year},
                url=reverse("visits:compliance") + f"?committee={committee.pk}&year={today.year}",
                dedupe_key=f"visits:behind_digest:{committee.pk}:{today.year}",
            )
    return sent
