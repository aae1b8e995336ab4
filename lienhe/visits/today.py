"""The visits module's item of the "Việc cần làm hôm nay" panel
(`lienhe.reports.today_tasks`): the committee members announced to attend the
secretary's cells' meetings."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lienhe.reports.today_tasks import TodayScope
from lienhe.reports.today_tasks import item as _item


def announced_visitors(scope: TodayScope) -> list[dict]:
    from .panels import visitors_for_cells

    items: list[dict] = []
    if not scope.cell_paths:
        return items
    visitors = visitors_for_cells(scope.user, scope.today)
    if visitors:
        items.append(
            _item(
                _("cấp ủy viên sẽ dự sinh hoạt"),
                len(visitors),
                "",
                # Plain values: the items are cached (`TodayTasks.families`).
                visits=[
                    {
                        "planned_on": v.planned_on,
                        "committee_member": {
                            "full_name": v.committee_member.full_name,
                            "title": v.committee_member.title,
                        },
                        "cell": {"name": v.cell.name},
                        "meeting_id": v.meeting_id,
                    }
                    for v in visitors
                ],
            )
        )
    return items
