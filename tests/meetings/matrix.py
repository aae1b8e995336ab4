import datetime as dt

from django.utils import timezone

from tests.matrix import Case, only, rows


def _meeting(cast):
    """A regular meeting of cell A that started an hour ago (roll call allowed)."""
    from lienhe.meetings.models import Meeting

    meeting = Meeting.objects.filter(organization=cast.cell_a, title="Ma trận").first()
    if meeting is None:
        meeting = Meeting.objects.create(
            organization=cast.cell_a,
            kind=Meeting.Kind.THEMATIC,
            title="Ma trận",
            planned_at=timezone.now() - dt.timedelta(hours=1),
        )
    return meeting


def _pk(cast):
    return {"pk": _meeting(cast).pk}


def _with_minutes(cast):
    from lienhe.meetings.models import Minutes

    meeting = _meeting(cast)
    Minutes.objects.get_or_create(meeting=meeting, defaults={"agenda": "Nghị quyết tháng"})
    return {"pk": meeting.pk}


def _guest(cast):
    from lienhe.meetings.models import Guest

    meeting = _meeting(cast)
    guest, _ = Guest.objects.get_or_create(meeting=meeting, full_name="Đồng chí Khách")
    return {"pk": meeting.pk, "guest_pk": guest.pk}


def _closed(cast):
    """The matrix meeting with its roll call closed (all unmarked recorded absent)."""
    from lienhe.meetings.services import close_roll_call

    meeting = _meeting(cast)
    close_roll_call(meeting, actor=cast.users["secretary_a"])
    return {"pk": meeting.pk}


def _a1(cast) -> int:
    return cast.members["a1"].pk


MEETINGS = rows("meetings.Meeting", "state", "roll_call_closed_at", "deleted_at", "version")
ATTENDANCE = rows("meetings.Attendance", "status")
GUESTS = rows("meetings.Guest", "full_name")


def _deleted(cast):
    """A meeting of cell A deleted by mistake (soft delete, issue 10)."""
    from lienhe.meetings.models import Meeting
    from lienhe.meetings.services import delete_meeting

    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.THEMATIC,
        title="Nhập trùng",
        planned_at=timezone.now() + dt.timedelta(days=3),
    )
    delete_meeting(meeting, actor=cast.users["admin"], reason="Nhập trùng")
    return {"pk": meeting.pk}


def _token(cast):
    from lienhe.meetings.services import checkin_token

    return {"token": checkin_token(_meeting(cast))}


READERS = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "agency_staff": 200,
    "visitor": 200,
    "viewer": 200,
}
WRITERS_ANYWHERE = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "agency_staff": 200,
}
# A meeting of cell A: visible to readers of its subtree (404 elsewhere).
SEE_A = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "visitor": 200,
    "viewer": 200,
}
WRITE_A = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "visitor": 403,
    "viewer": 403,
}


def _as(statuses: dict, code: int) -> dict:
    return {k: (code if v == 200 else v) for k, v in statuses.items()}


CASES = [
    Case("meetings:list", only(READERS, 403)),
    Case("meetings:export", only({**READERS, "viewer": 403}, 403)),
    Case("meetings:create", only(WRITERS_ANYWHERE, 403)),
    Case(
        "meetings:schedule_generate",
        only(_as(WRITERS_ANYWHERE, 302), 403),
        method="post",
        effect=MEETINGS,
        audit="meetings.schedule.generated",
        # Cell A and cell B have a meeting day; only writers of cell B plan its meetings:
        # the agency's staff has no cell with a meeting day, so nothing is planned.
        unchanged_for=frozenset({"agency_staff"}),
    ),
    Case("meetings:report", only(READERS, 403)),
    Case(
        "meetings:report_export",
        # meetings:export: the visitor (committee member) has it, the viewer does not.
        only({k: v for k, v in READERS.items() if k != "viewer"}, 403),
    ),
    Case("meetings:report_pdf", only(READERS, 403)),
    Case("meetings:checkin", only({}, 200), kwargs=_token),
    Case("meetings:detail", only(SEE_A, 404), kwargs=_pk),
    Case("meetings:edit", only(WRITE_A, 404), kwargs=_pk),
    Case("meetings:move", only(WRITE_A, 404), kwargs=_pk),
    Case("meetings:cancel", only(WRITE_A, 404), kwargs=_pk),
    Case("meetings:roll_call", only(WRITE_A, 404), kwargs=_pk),
    Case(
        "meetings:roll_call_tap",
        only(_as(WRITE_A, 302), 404),
        kwargs=_pk,
        method="post",
        data=lambda c: {"member": _a1(c), "status": "present", "tap_id": "ma-tran-1"},
        effect=ATTENDANCE,
        audit="meetings.attendance.marked",
    ),
    Case(
        "meetings:roll_call_close",
        only(_as(WRITE_A, 302), 404),
        kwargs=_pk,
        method="post",
        effect=MEETINGS,
        audit="meetings.meeting.roll_call_closed",
    ),
    Case(
        "meetings:roll_call_all_present",
        only(_as(WRITE_A, 302), 404),
        kwargs=_pk,
        method="post",
        effect=ATTENDANCE,
        audit="meetings.meeting.all_present",
    ),
    Case(
        "meetings:roll_call_reopen",
        only(_as(WRITE_A, 302), 404),
        kwargs=_closed,
        method="post",
        data=lambda c: {"reason": "Chốt nhầm"},
        effect=MEETINGS,
        audit="meetings.meeting.roll_call_reopened",
    ),
    Case(
        "meetings:invitee_amend",
        only(_as(WRITE_A, 302), 404),
        kwargs=_pk,
        method="post",
        data=lambda c: {"member": _a1(c), "action": "remove", "reason": "Đi công tác dài ngày"},
        effect=rows("meetings.Invitee", "member_id"),
        audit="meetings.meeting.invitee_removed",
    ),
    Case("meetings:checkin_qr", only(WRITE_A, 404), kwargs=_pk),
    Case(
        "meetings:guest_add",
        only(_as(WRITE_A, 302), 404),
        kwargs=_pk,
        method="post",
        data=lambda c: {"full_name": "Đồng chí Lê Văn Khách", "position": "Phó bí thư phường"},
        effect=GUESTS,
        audit="meetings.meeting.guest_added",
    ),
    Case(
        "meetings:guest_remove",
        only(_as(WRITE_A, 302), 404),
        kwargs=_guest,
        method="post",
        effect=GUESTS,
        audit="meetings.meeting.guest_removed",
    ),
    Case("meetings:minutes", only(WRITE_A, 404), kwargs=_pk),
    Case("meetings:minutes_pdf", only(SEE_A, 404), kwargs=_with_minutes),
    Case(
        "meetings:issue_add",
        only(_as(WRITE_A, 302), 404),
        kwargs=_pk,
        method="post",
        data=lambda c: {"summary": "Đường ngõ 5 ngập khi mưa", "raised_by": "Đ/c An"},
        effect=rows("meetings.RaisedIssue", "summary"),
        audit="meetings.meeting.issue_raised",
    ),
    Case(
        "meetings:rate",
        only(WRITE_A, 404),
        kwargs=lambda c: {**_pk(c), "by": "self"},
        label="meetings:rate self",
    ),
    Case(
        "meetings:rate",
        only({**WRITE_A, "secretary_a": 403}, 404),
        kwargs=lambda c: {**_pk(c), "by": "higher"},
        label="meetings:rate higher",
    ),
    Case("meetings:delete", only(WRITE_A, 404), kwargs=_pk),
    Case("meetings:deleted", only(WRITERS_ANYWHERE, 403)),
    Case(
        "meetings:restore",
        only(_as(WRITE_A, 302), 404),
        kwargs=_deleted,
        method="post",
        effect=MEETINGS,
        audit="meetings.meeting.restored",
    ),
]
# Decisions of the minutes become tasks (issue 20 item 11): meetings:write and
# liaison:write on the cell (both held by the cell's officers and the staff above).
CASES.append(Case("meetings:decision_task", only(WRITE_A, 404), kwargs=_pk))
