"""The liaison module's items of the "Việc cần làm hôm nay" panel
(`lienhe.reports.today_tasks`): the secretary's overdue local tasks, and the member's
own open tasks at the residence."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.access.scoping import subtree_q
from lienhe.reports.today_tasks import TodayScope
from lienhe.reports.today_tasks import item as _item


def overdue_tasks(scope: TodayScope) -> list[dict]:
    from .models import LocalTask

    items: list[dict] = []
    cell_paths, today = scope.cell_paths, scope.today
    if not cell_paths:
        return items
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
    return items


def member_items(scope: TodayScope) -> list[dict]:
    from .models import LocalTask

    user = scope.user
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
