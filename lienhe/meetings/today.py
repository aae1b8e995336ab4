"""The meetings module's items of the "Việc cần làm hôm nay" panel
(`lienhe.reports.today_tasks`): the secretary's meetings still waiting for their roll
call, and the workplace staff's working members often absent at the residence."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.scoping import subtree_q
from lienhe.reports.today_tasks import TodayScope
from lienhe.reports.today_tasks import item as _item


def pending_roll_calls(scope: TodayScope) -> list[dict]:
    from lienhe.orgs.services import effective_policy

    from .models import Meeting

    items: list[dict] = []
    cell_paths, today = scope.cell_paths, scope.today
    if not cell_paths:
        return items
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    pending = Meeting.objects.filter(
        subtree_q(cell_paths, "organization__path"),
        state=Meeting.State.PLANNED,
        planned_at__lt=start,
        # Last year's too: on 01/01 a meeting of 29/12 still waits for its roll call
        # (issue 14); the meetings list below is not limited to one year either.
        year__gte=today.year - 1,
    ).aggregate(n=Count("id"), oldest=Min("planned_at"))
    if pending["n"]:
        from lienhe.orgs.models import Organization

        org = Organization.objects.filter(path=cell_paths[0]).first()
        days = int(effective_policy(org, "meeting_unrecorded_alert_days", today)) if org else 7
        oldest = timezone.localtime(pending["oldest"]).date()
        items.append(
            _item(
                _("buổi sinh hoạt đã qua chưa điểm danh, chưa ghi biên bản"),
                pending["n"],
                reverse("meetings:list") + "?when=past&state=planned",
                oldest + dt.timedelta(days=days),
            )
        )
    return items


def residence_absences(scope: TodayScope) -> list[dict]:
    from lienhe.orgs.services import effective_policy

    from .models import Attendance, Meeting

    items: list[dict] = []
    roots, today = scope.workplace_roots, scope.today
    if not roots:
        return items
    paths = [o.path for o in roots]
    # Residence absences of working members: Quy định 213-QĐ/TW Điều 4 threshold, not
    # the Statute's own-cell rule (issue 19).
    limit = int(effective_policy(roots[0], "residence_absence_alert", today))
    absent = (
        Attendance.objects.filter(
            subtree_q(paths, "member__organization__path"),
            is_working_member=True,
            meeting__year=today.year,
            meeting__state=Meeting.State.HELD,
            meeting__deleted_at__isnull=True,  # a meeting deleted as entered by mistake
            status=Attendance.Status.ABSENT,
        )
        .values("member_id", "member__full_name")
        .annotate(n=Count("id"))
        .filter(n__gte=limit)
        .order_by("-n", "member__full_name")[:5]
    )
    absent = list(absent)
    if absent:
        items.append(
            _item(
                _("đảng viên vắng sinh hoạt nơi cư trú không lý do từ %(n)s lần trong năm")
                % {"n": limit},
                len(absent),
                "",
                members=absent,
            )
        )
    return items
