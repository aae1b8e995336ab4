"""Phone roll call (one tap per person, saved as you go, idempotent) and QR check-in."""

from __future__ import annotations

import datetime as dt
import uuid

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe.members.models import Member

from . import services
from .models import Attendance, Meeting
from .views import get_meeting


def _counts(meeting: Meeting) -> dict:
    return {
        "present": meeting.present_count,
        "marked": meeting.marked_count,
        "invited": meeting.expected_count,
    }


def roll_call_rows(meeting: Meeting) -> list[dict]:
    """Expected members plus anyone already marked, by name (3 queries)."""
    marked = {
        a.member_id: a
        for a in Attendance.objects.filter(meeting=meeting).only("member_id", "status")
    }
    expected = list(
        services.expected_members(meeting).only("pk", "full_name", "search_name", "organization_id")
    )
    seen = {m.pk for m in expected}
    extra = [mid for mid in marked if mid not in seen]
    if extra:
        # organization_id too: `working` below reads it (deferred, it was one query per row).
        expected += list(
            Member.objects.filter(pk__in=extra).only(
                "pk", "full_name", "search_name", "organization_id"
            )
        )
    expected.sort(key=lambda m: (m.search_name.rsplit(" ", 1)[-1], m.search_name))
    return [
        {
            "member": m,
            "status": marked[m.pk].status if m.pk in marked else "",
            "tap_id": uuid.uuid4().hex,
            "working": m.organization_id != meeting.organization_id,
            "invited": m.pk in seen,
        }
        for m in expected
    ]


ROLL_CALL_STATUSES = [
    ("present", "Có mặt"),
    ("late", "Đến muộn"),
    ("excused", "Vắng có lý do"),
    ("absent", "Vắng không lý do"),
]


def _status_buttons(statuses) -> dict[str, str]:
    """{row status: the row's four status buttons}, built once per page: a row's
    buttons differ only in which one is pressed (a few hundred rows × four buttons
    rendered by the template were most of the page's time, issue 21)."""
    return {
        current: format_html_join(
            "",
            '<button type="submit" name="status" value="{}" class="rc-{}" '
            'aria-pressed="{}">{}</button>',
            (
                (value, value, "true" if current == value else "false", label)
                for value, label in statuses
            ),
        )
        for current in ["", *(value for value, _label in statuses)]
    }


@login_required
def roll_call(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    rows = roll_call_rows(meeting)
    buttons = _status_buttons(ROLL_CALL_STATUSES)
    for row in rows:
        row["buttons"] = buttons.get(row["status"], buttons[""])
    return render(
        request,
        "meetings/roll_call.html",
        {
            "meeting": meeting,
            "rows": rows,
            # One hidden CSRF field for every row's form, rendered once.
            "csrf_field": csrf_input(request),
            "marked": sum(1 for r in rows if r["status"]),
            "present": sum(1 for r in rows if r["status"] in ("present", "late")),
            "now_ms": int(timezone.now().timestamp() * 1000),
            "closed": meeting.roll_call_closed_at is not None,
            "can_reopen": services.can_reopen_roll_call(meeting),
        },
    )


def _parse_ms(value: str | None) -> dt.datetime | None:
    try:
        ms = int(value or "")
    except ValueError:
        return None
    try:
        return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


@login_required
@require_POST
def roll_call_tap(request, pk: int):
    """One tap: member, status, tap_id, tapped_at (ms since epoch, client clock).
    JSON for the page's script; a plain form post redirects back (works without JS)."""
    meeting = get_meeting(request, pk, "meetings:write")
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    member_id = request.POST.get("member", "")
    status = request.POST.get("status", "")
    member = Member.objects.filter(pk=member_id).first() if member_id.isdigit() else None
    error = None
    changed = False
    attendance = None
    if member is None:
        error = _("Không tìm thấy đảng viên.")
    else:
        try:
            attendance, changed = services.mark_attendance(
                meeting,
                member,
                status,
                actor=request.user,
                tap_id=request.POST.get("tap_id", ""),
                tapped_at=_parse_ms(request.POST.get("tapped_at")),
            )
        except services.MeetingError as exc:
            error = str(exc)
    if wants_json:
        if error:
            return JsonResponse({"ok": False, "error": error}, status=400)
        return JsonResponse(
            {
                "ok": True,
                "changed": changed,
                "status": attendance.status,
                "present": meeting.present_count,
                "marked": meeting.marked_count,
                "invited": meeting.expected_count,
            }
        )
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('meetings:roll_call', args=[meeting.pk])}#m{member_id}")


@login_required
def roll_call_close(request, pk: int):
    """GET: the confirmation (how many will be marked absent without reason);
    POST: close the roll call."""
    meeting = get_meeting(request, pk, "meetings:write")
    if request.method != "POST":
        return render(
            request,
            "meetings/roll_call_close.html",
            {
                "meeting": meeting,
                "unmarked": services.unmarked_members(meeting).count(),
                "invited": services.expected_members(meeting).count(),
            },
        )
    try:
        absent = services.close_roll_call(meeting, actor=request.user)
    except services.MeetingError as exc:
        messages.error(request, str(exc))
        return redirect("meetings:roll_call", pk=meeting.pk)
    messages.success(
        request,
        _("Đã chốt điểm danh; %(n)s người chưa điểm danh được ghi vắng không lý do.")
        % {"n": absent},
    )
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def roll_call_all_present(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    try:
        n = services.mark_all_present(meeting, actor=request.user)
    except services.MeetingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã ghi có mặt cho %(n)s người; hãy chạm để sửa người vắng, đến muộn.") % {"n": n},
        )
    return redirect("meetings:roll_call", pk=meeting.pk)


@login_required
@require_POST
def roll_call_reopen(request, pk: int):
    meeting = get_meeting(request, pk, "meetings:write")
    try:
        services.reopen_roll_call(
            meeting, reason=request.POST.get("reason", ""), actor=request.user
        )
    except services.MeetingError as exc:
        messages.error(request, str(exc))
        return redirect("meetings:detail", pk=meeting.pk)
    messages.success(request, _("Đã mở lại điểm danh."))
    return redirect("meetings:roll_call", pk=meeting.pk)


@login_required
@require_POST
def invitee_amend(request, pk: int):
    """The secretary adds/removes one member of the invited list, with a reason."""
    meeting = get_meeting(request, pk, "meetings:write")
    member_id = request.POST.get("member", "")
    member = None
    if member_id.isdigit():
        # A member the secretary can see, or one the meeting would invite anyway
        # (an introduced working member of another organization).
        member = (
            Member.objects.visible_to(request.user).filter(pk=member_id).first()
            or services.computed_members(meeting).filter(pk=member_id).first()
            or services.expected_members(meeting).filter(pk=member_id).first()
        )
    if member is None:
        messages.error(request, _("Không tìm thấy đảng viên."))
    else:
        try:
            services.amend_invitees(
                meeting,
                member,
                invite=request.POST.get("action") != "remove",
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        except services.MeetingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã sửa danh sách triệu tập."))
    return redirect("meetings:roll_call", pk=meeting.pk)


@login_required
def checkin_qr(request, pk: int):
    """The officer shows this QR on their phone; members scan it with theirs."""
    meeting = get_meeting(request, pk, "meetings:write")
    token = services.checkin_token(meeting)
    url = request.build_absolute_uri(reverse("meetings:checkin", args=[token]))
    qr = segno.make(url, error="m")
    return render(
        request,
        "meetings/checkin_qr.html",
        {
            "meeting": meeting,
            "svg": qr.svg_inline(scale=6, dark="#000", light="#fff", omitsize=True),
            "url": url,
            "open_now": meeting.checkin_open(),
        },
    )


@login_required
def checkin(request, token: str):
    """A member scanned the QR: confirm with one tap (a GET never changes anything)."""
    try:
        meeting = services.meeting_for_token(token)
    except services.MeetingError as exc:
        return render(request, "meetings/checkin.html", {"error": str(exc)}, status=400)
    done = None
    error = None
    if request.method == "POST":
        try:
            done = services.check_in(token, user=request.user)
        except services.MeetingError as exc:
            error = str(exc)
    elif request.user.member_id:
        done = Attendance.objects.filter(
            meeting=meeting, member_id=request.user.member_id, status__in=["present", "late"]
        ).first()
    return render(
        request,
        "meetings/checkin.html",
        {"meeting": meeting, "done": done, "error": error, "open_now": meeting.checkin_open()},
        status=400 if error else 200,
    )
