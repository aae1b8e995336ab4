"""Groups of a residence cell, local tasks and the two-way thread (re-exported by
`services`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.access.scoping import has_org_permission
from lienhe.audit.services import log_action
from lienhe.concurrency import lock_checked
from lienhe.orgs.models import Organization
from lienhe.orgs.services import create_organization, effective_policy

from .models import Introduction, LocalTask, ThreadMessage
from .selectors import groups_with_size
from .services_base import (
    LiaisonError,
    StaleEdit,
    _letter_url,
    _lock,
    _today,
    member_user,
    officers_of,
    system_event,
)

# --- groups ------------------------------------------------------------------------


def group_sizes(cell: Organization) -> list[dict]:
    """Groups of the cell with how many live, non-exempted members each holds (1 query
    + 1 for the cell's own count)."""
    groups = list(groups_with_size(cell))
    limit = int(effective_policy(cell, "liaison_group_max_members"))
    return [{"group": g, "size": g.size, "limit": limit, "too_big": g.size > limit} for g in groups]


def split_suggestion(cell: Organization) -> dict | None:
    """When the cell's working members (or one group) exceed the Policy size, suggest
    how many groups to form."""
    limit = int(effective_policy(cell, "liaison_group_max_members"))
    total = Introduction.objects.filter(
        residence_org=cell, state__in=Introduction.LIVE_STATES
    ).count()
    ungrouped = Introduction.objects.filter(
        residence_org=cell, state__in=Introduction.LIVE_STATES, group__isnull=True
    ).count()
    sizes = group_sizes(cell)
    too_big = [s for s in sizes if s["too_big"]]
    if total <= limit and not too_big:
        return None
    wanted = -(-total // limit) if limit else 1
    return {
        "total": total,
        "ungrouped": ungrouped,
        "limit": limit,
        "groups_now": len(sizes),
        "groups_wanted": wanted,
        "too_big": too_big,
    }


@transaction.atomic
def create_group(cell: Organization, *, name: str, actor=None) -> Organization:
    cell = Organization.objects.get(pk=cell.pk)
    if cell.kind != Organization.Kind.CELL:
        raise LiaisonError(_("Chỉ lập tổ đảng trong một chi bộ."))
    name = name.strip()
    if not name:
        raise LiaisonError(_("Hãy đặt tên tổ."))
    if Organization.objects.filter(
        path__startswith=cell.path, kind=Organization.Kind.GROUP, name__iexact=name
    ).exists():
        raise LiaisonError(_("Chi bộ đã có tổ tên “%(n)s”.") % {"n": name})
    seq = Organization.objects.filter(path__startswith=cell.path, depth=cell.depth + 1).count()
    code = f"{cell.code}-T{seq + 1:02d}"
    while Organization.objects.filter(code=code).exists():
        seq += 1
        code = f"{cell.code}-T{seq + 1:02d}"
    return create_organization(
        parent=cell,
        kind=Organization.Kind.GROUP,
        side=Organization.Side.RESIDENCE,
        code=code,
        name=name,
        admin_unit=cell.admin_unit,
        actor=actor,
    )


# --- tasks -------------------------------------------------------------------------


# The summary family of local tasks: no counter reads them, but the cell secretary's
# "today" items do (overdue tasks), cached per user under it (issue 21).
TASKS_FAMILY = "tasks"


def _tasks_changed(intro: Introduction) -> None:
    from lienhe.summaries import hooks as summary_hooks

    summary_hooks.paths_changed([intro.residence_org.path], families=(TASKS_FAMILY,))


@transaction.atomic
def add_task(
    intro: Introduction,
    *,
    kind: str,
    title: str,
    due_on: dt.date,
    note: str = "",
    actor=None,
) -> LocalTask:
    intro = _lock(intro)
    if intro.state not in Introduction.LIVE_STATES:
        raise LiaisonError(_("Chỉ giao việc cho đảng viên đã nộp giấy về chi bộ."))
    if intro.exemption == Introduction.Exemption.RESIDENCE:
        raise LiaisonError(_("Đảng viên đang được miễn sinh hoạt nơi cư trú."))
    today = _today()
    if due_on < today:
        raise LiaisonError(_("Hạn hoàn thành không được trước hôm nay."))
    task = LocalTask.objects.create(
        introduction=intro,
        kind=kind,
        title=title.strip()[:200],
        note=note,
        assigned_on=today,
        due_on=due_on,
        assigned_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _tasks_changed(intro)
    log_action(
        task,
        "liaison.task.assigned",
        actor=actor,
        organization_path=intro.residence_org.path,
        data={"introduction": intro.pk, "title": task.title},
    )
    system_event(
        intro,
        "task_assigned",
        _("Chi bộ giao việc: %(t)s (hạn %(d)s).")
        % {"t": task.title, "d": due_on.strftime("%d/%m/%Y")},
    )
    from lienhe.notify.services import notify

    user = member_user(intro.member)
    if user:
        notify(
            [user],
            kind="liaison.task",
            title=_("Chi bộ nơi cư trú giao việc cho bạn"),
            body=f"{task.title} — hạn {due_on:%d/%m/%Y}",
            url=reverse("liaison:mine"),
            dedupe_key=f"liaison.task:{task.pk}",
        )
    return task


@transaction.atomic
def record_task_result(
    task: LocalTask,
    *,
    status: str,
    outcome: str = "",
    note: str | None = None,
    completed_on: dt.date | None = None,
    expected_version: int,
    actor=None,
) -> LocalTask:
    current = lock_checked(
        LocalTask.objects.all(),
        task.pk,
        expected_version,
        StaleEdit(
            _("Công việc này vừa được người khác cập nhật. Hãy tải lại trang để xem bản mới nhất.")
        ),
    )
    if status not in LocalTask.Status.values:
        raise LiaisonError(_("Kết quả không hợp lệ."))
    if status == LocalTask.Status.DONE:
        completed_on = completed_on or _today()
        if completed_on > _today():
            raise LiaisonError(_("Ngày hoàn thành không được sau hôm nay."))
    else:
        completed_on = None
    before = current.status
    current.status = status
    current.outcome = outcome.strip()[:255]
    if note is not None:
        current.note = note
    current.completed_on = completed_on
    current.version += 1
    current.save()
    intro = current.introduction
    _tasks_changed(intro)
    log_action(
        current,
        "liaison.task.result",
        actor=actor,
        organization_path=intro.residence_org.path,
        data={"from": before, "to": status},
    )
    if status != before and status != LocalTask.Status.OPEN:
        system_event(
            intro,
            "task_done" if status == LocalTask.Status.DONE else "task_not_done",
            _("Công việc “%(t)s”: %(s)s%(o)s.")
            % {
                "t": current.title,
                "s": current.get_status_display().lower(),
                "o": f" — {current.outcome}" if current.outcome else "",
            },
        )
    return current


# --- thread ------------------------------------------------------------------------


def sides_of(user, intro: Introduction) -> list[str]:
    """Which side(s) of the liaison the user speaks for."""
    sides = []
    if has_org_permission(user, intro.workplace_org, "liaison:write"):
        sides.append(ThreadMessage.Side.WORKPLACE)
    if has_org_permission(user, intro.residence_org, "liaison:write"):
        sides.append(ThreadMessage.Side.RESIDENCE)
    return sides


@transaction.atomic
def post_message(intro: Introduction, *, body: str, side: str, actor) -> ThreadMessage:
    body = body.strip()
    if not body:
        raise LiaisonError(_("Hãy nhập nội dung trao đổi."))
    if len(body) > 4000:
        raise LiaisonError(_("Nội dung quá dài (tối đa 4.000 ký tự)."))
    if side not in sides_of(actor, intro):
        raise LiaisonError(_("Bạn không thể viết thay cho bên này."))
    msg = ThreadMessage.objects.create(introduction=intro, side=side, author=actor, body=body)
    log_action(
        msg,
        "liaison.thread.posted",
        actor=actor,
        organization_path=(
            intro.workplace_org.path if side == "workplace" else intro.residence_org.path
        ),
        data={"introduction": intro.pk},
    )
    other = intro.residence_org if side == "workplace" else intro.workplace_org
    from lienhe.notify.services import notify

    notify(
        [u for u in officers_of(other) if u.pk != actor.pk],
        kind="liaison.thread",
        title=_("Trao đổi mới về đảng viên %(n)s") % {"n": intro.member.full_name},
        body=body[:300],
        url=_letter_url(intro) + "#trao-doi",
        dedupe_key=f"liaison.thread:{msg.pk}",
    )
    return msg
