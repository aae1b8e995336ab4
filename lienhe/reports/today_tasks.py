"""Home panel "Việc cần làm hôm nay": the per-role items that no module panel shows yet
(audit in docs/reports.md, section "Hôm nay / cảnh báo"). Each item has a count, a
link, and the nearest deadline with its days left; a bounded number of queries (a few
per role, whatever the subtree size).

- cell secretary: meetings whose roll call is still pending, overdue local tasks, the
  committee members announced to attend the cell's meetings;
- workplace staff: residence comments received lately, proposals waiting for a
  decision, conflicts to justify, working members often absent at the residence;
- member: my open local tasks at the residence."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.scoping import grants, paths_with, subtree_q

from .home import register_panel

RECENT_COMMENT_DAYS = 30  # "comments received": sent within the last month


def _item(label: str, count: int, url: str, deadline: dt.date | None = None, **extra) -> dict:
    return {"label": label, "count": count, "url": url, "deadline": deadline, **extra}


def secretary_items(user, today: dt.date) -> list[dict]:
    from lienhe.liaison.models import LocalTask
    from lienhe.meetings.models import Meeting
    from lienhe.orgs.services import effective_policy
    from lienhe.visits.panels import visitors_for_cells

    items: list[dict] = []
    cell_paths = sorted({g.path for g in grants(user) if g.role == "cell_officer"})
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
    tasks = LocalTask.objects.filter(
        subtree_q(cell_paths, "introduction__residence_org__path"),
        status=LocalTask.Status.OPEN,
        due_on__lt=today,
    ).aggregate(n=Count("id"), oldest=Min("due_on"))
    if tasks["n"]:
        items.append(
            _item(
                _("việc giao cho đảng viên đang công tác đã quá hạn, chưa ghi kết quả"),
                tasks["n"],
                reverse("liaison:list") + "?state=active",
                tasks["oldest"],
            )
        )
    visitors = visitors_for_cells(user, today)
    if visitors:
        items.append(
            _item(
                _("cấp ủy viên sẽ dự sinh hoạt"),
                len(visitors),
                "",
                visits=visitors,
            )
        )
    return items


def workplace_items(user, today: dt.date) -> list[dict]:
    from lienhe.meetings.models import Attendance, Meeting
    from lienhe.orgs.models import Organization
    from lienhe.orgs.services import effective_policy
    from lienhe.reviews.constants import HIGH_LEVELS
    from lienhe.reviews.models import ResidenceComment, YearReview
    from lienhe.reviews.selectors import below_good_comment

    items: list[dict] = []
    read = paths_with(user, "reviews:read")
    roots = list(
        Organization.objects.filter(path__in=read, side=Organization.Side.WORKPLACE).only(
            "pk", "path", "depth"
        )
    )
    if not roots:
        return items
    paths = [o.path for o in roots]
    since = timezone.now() - dt.timedelta(days=RECENT_COMMENT_DAYS)
    received = ResidenceComment.objects.filter(
        subtree_q(paths, "workplace_org__path"),
        state=ResidenceComment.State.SENT,
        sent_at__gte=since,
    ).count()
    if received:
        items.append(
            _item(
                _("nhận xét của chi bộ nơi cư trú đã nhận trong 30 ngày qua"),
                received,
                reverse("reviews:list") + "?state=sent",
            )
        )
    reviews = (
        YearReview.objects.filter(
            subtree_q(paths, "organization__path"), state=YearReview.State.PROPOSED
        )
        .annotate(below=below_good_comment())
        .aggregate(
            pending=Count("id"),
            conflicts=Count("id", filter=Q(below=True, proposal_level__in=list(HIGH_LEVELS))),
        )
    )
    if reviews["pending"]:
        items.append(
            _item(
                _("đề xuất xếp loại của chi bộ chờ cấp ủy quyết định"),
                reviews["pending"],
                reverse("reviews:review_list"),
            )
        )
    if reviews["conflicts"]:
        items.append(
            _item(
                _("đề xuất khác nhận xét nơi cư trú, cần giải trình"),
                reviews["conflicts"],
                reverse("today:redflags") + "?module=reviews",
            )
        )
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


def member_items(user, today: dt.date) -> list[dict]:
    from lienhe.liaison.models import LocalTask

    if not user.member_id:
        return []
    tasks = list(
        LocalTask.objects.filter(
            introduction__member_id=user.member_id, status=LocalTask.Status.OPEN
        ).order_by("due_on", "id")[:5]
    )
    if not tasks:
        return []
    return [
        _item(
            _("việc chi bộ nơi cư trú giao cho tôi"),
            len(tasks),
            reverse("liaison:mine"),
            tasks[0].due_on,
            tasks=tasks,
        )
    ]


def home_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or user.is_superuser:
        return None
    today = timezone.localdate()
    items = secretary_items(user, today) + workplace_items(user, today)
    items += member_items(user, today)
    if not items:
        return None
    return {
        "template": "reports/_today_panel.html",
        "title": _("Việc cần làm hôm nay"),
        "items": items,
    }


# Not cached (issue 21): it shows items across the two trees (a residence meeting's
# absences to the workplace staff), which the scope version keys do not follow.
register_panel(6, home_panel, cache=False)
