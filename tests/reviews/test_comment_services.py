import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.liaison.models import Introduction
from lienhe.meetings.models import Attendance, Meeting
from lienhe.notify.models import Notification
from lienhe.orgs.services import set_policy
from lienhe.reviews import services
from lienhe.reviews.constants import DUTY_KEYS, Purpose
from lienhe.reviews.jobs import comment_reminders
from lienhe.reviews.models import ResidenceComment

from .data import YEAR, live_introduction

ALL_DUTIES = dict.fromkeys(DUTY_KEYS, "Gương mẫu, tích cực")


def _held_meeting(cell, day, attendees):
    meeting = Meeting.objects.create(
        organization=cell,
        kind="working_members",
        state="held",
        planned_at=timezone.make_aware(dt.datetime(YEAR, day.month, day.day, 19, 30)),
    )
    for member, status in attendees:
        Attendance.objects.create(meeting=meeting, member=member, status=status)
    return meeting


def test_window_comes_from_policy_and_can_be_overridden(cast):
    assert services.comment_window(cast.cell_a, YEAR) == (
        dt.date(YEAR, 11, 1),
        dt.date(YEAR, 11, 30),
    )
    set_policy(cast.commune, "comment_window_due", "12-10", dt.date(YEAR, 1, 1))
    assert services.comment_window(cast.cell_a, YEAR)[1] == dt.date(YEAR, 12, 10)
    assert services.comment_window(cast.other_cell, YEAR)[1] == dt.date(YEAR, 11, 30)


def test_member_request_opens_one_yearly_comment_due_at_window_end(cast):
    live_introduction(cast)
    w1, user = cast.members["w1"], cast.users["member"]
    on = dt.date(YEAR, 11, 2)
    first = services.request_comment(w1, YEAR, actor=user, via="member", today=on)
    again = services.request_comment(w1, YEAR, actor=user, via="member", today=on)
    assert first.pk == again.pk
    assert first.due_on == dt.date(YEAR, 11, 30)
    assert first.residence_org == cast.cell_a and first.workplace_org == cast.agency_cell
    assert (
        Notification.objects.filter(
            user=cast.users["secretary_a"], kind="reviews.comment.requested"
        ).count()
        == 1
    )


def test_a_request_after_the_window_is_never_born_overdue(cast):
    """Issue 16 item 4: created on 03/12 (window ended 30/11) → due 03/12 + 15 days
    (Policy late_request_days, "mặc định của Lienhe"), not 30/11."""
    from lienhe.orgs.policy import PARAMETERS

    assert PARAMETERS["late_request_days"].source == "mặc định của Lienhe"
    live_introduction(cast)
    late = dt.date(YEAR, 12, 3)
    comment = services.request_comment(
        cast.members["w1"], YEAR, actor=cast.users["member"], via="member", today=late
    )
    assert comment.due_on == dt.date(YEAR, 12, 18)
    assert comment.due_on >= late
    assert services.due_after_window(cast.cell_a, dt.date(YEAR, 11, 30), late) > late
    assert services.due_after_window(cast.cell_a, dt.date(YEAR, 11, 30), dt.date(YEAR, 11, 30)) == (
        dt.date(YEAR, 11, 30)
    )


def test_exempted_member_is_skipped_for_yearly_but_can_be_asked_ad_hoc(cast):
    intro = live_introduction(cast)
    Introduction.objects.filter(pk=intro.pk).update(
        exemption="residence", exemption_reason="Học tập dài hạn"
    )
    w1 = cast.members["w1"]
    with pytest.raises(services.ReviewError, match="Miễn sinh hoạt nơi cư trú"):
        services.request_comment(w1, YEAR, actor=None, via="workplace")
    adhoc = services.request_comment(
        w1, YEAR, actor=None, via="workplace", purpose=Purpose.PROMOTION, today=dt.date(YEAR, 6, 1)
    )
    assert adhoc.due_on == dt.date(YEAR, 6, 16)


def test_workplace_requests_for_all_its_members_and_counts_skipped(cast):
    live_introduction(cast)
    counts = services.request_for_organization(cast.agency, YEAR, actor=cast.users["agency_staff"])
    assert counts == {"created": 1, "existing": 0, "skipped": 0}
    counts = services.request_for_organization(cast.agency, YEAR, actor=cast.users["agency_staff"])
    assert counts == {"created": 0, "existing": 1, "skipped": 0}


def test_evidence_is_prefilled_from_meetings_tasks_and_letter(cast):
    live_introduction(cast)
    w1 = cast.members["w1"]
    _held_meeting(cast.cell_a, dt.date(YEAR, 3, 5), [(w1, "present")])
    _held_meeting(cast.cell_a, dt.date(YEAR, 9, 5), [(w1, "absent")])
    _held_meeting(cast.cell_a, dt.date(YEAR, 10, 5), [(w1, "excused")])
    comment = services.request_comment(w1, YEAR, actor=None, via="member")
    comment = services.save_draft(
        comment,
        duties=ALL_DUTIES,
        conclusion=0,
        expected_version=1,
        actor=cast.users["secretary_a"],
    )
    ev = comment.evidence
    assert (
        ev["meetings_expected"],
        ev["meetings_present"],
        ev["meetings_excused"],
        ev["meetings_absent"],
    ) == (3, 1, 1, 1)
    assert ev["letter_on_time"] is True
    assert services.evidence_rate(ev) == 33


def test_sent_comment_is_locked_and_corrections_keep_both(cast):
    live_introduction(cast)
    sec = cast.users["secretary_a"]
    comment = services.request_comment(cast.members["w1"], YEAR, actor=None, via="member")
    with pytest.raises(services.ReviewError, match="mức kết luận"):
        services.send_comment(comment, expected_version=comment.version, actor=sec)
    comment = services.save_draft(
        comment, duties=ALL_DUTIES, conclusion=1, expected_version=1, actor=sec
    )
    comment = services.send_comment(comment, expected_version=comment.version, actor=sec)
    assert comment.state == "sent" and comment.conclusion_label == "Thực hiện chưa tốt"
    with pytest.raises(services.ReviewError):
        services.save_draft(
            comment, duties=ALL_DUTIES, conclusion=0, expected_version=comment.version, actor=sec
        )
    with pytest.raises(services.ReviewError, match="lý do"):
        services.correct_comment(
            comment, duties=ALL_DUTIES, conclusion=0, remarks="", reason=" ", actor=sec
        )
    new = services.correct_comment(
        comment, duties=ALL_DUTIES, conclusion=0, remarks="", reason="Ghi nhầm mức", actor=sec
    )
    comment.refresh_from_db()
    assert comment.state == "superseded" and new.supersedes == comment
    assert new.state == "sent" and new.conclusion_label == "Thực hiện tốt"
    assert AuditEvent.objects.filter(action="reviews.comment.corrected").count() == 1
    assert Notification.objects.filter(
        user=cast.users["member"], kind="reviews.comment.sent"
    ).exists()


def test_concurrent_drafts_do_not_overwrite(cast):
    live_introduction(cast)
    sec = cast.users["secretary_a"]
    comment = services.request_comment(cast.members["w1"], YEAR, actor=None, via="member")
    services.save_draft(comment, duties=ALL_DUTIES, conclusion=0, expected_version=1, actor=sec)
    with pytest.raises(services.StaleEdit):
        services.save_draft(comment, duties=ALL_DUTIES, conclusion=2, expected_version=1, actor=sec)


def test_a_draft_saved_again_unchanged_writes_nothing(cast):
    """No new version, history row or audit entry (and the pages cached under the
    comments' table stay valid); a change is saved as before."""
    live_introduction(cast)
    sec = cast.users["secretary_a"]
    comment = services.request_comment(cast.members["w1"], YEAR, actor=None, via="member")
    draft = dict(duties=ALL_DUTIES, conclusion=0, remarks="Tích cực ở tổ dân phố.", actor=sec)
    comment = services.save_draft(comment, expected_version=1, **draft)
    saved = (comment.version, comment.history.count())
    drafted = AuditEvent.objects.filter(action="reviews.comment.drafted")
    again = services.save_draft(comment, expected_version=comment.version, **draft)
    again.refresh_from_db()
    assert (again.version, again.history.count()) == saved and drafted.count() == 1
    changed = services.save_draft(
        again, expected_version=again.version, **{**draft, "remarks": "Đã sửa."}
    )
    changed.refresh_from_db()
    assert changed.version == saved[0] + 1 and changed.remarks == "Đã sửa."
    assert drafted.count() == 2


def test_reminders_before_due_and_escalation_are_sent_once(cast):
    live_introduction(cast)
    comment = services.request_comment(cast.members["w1"], YEAR, actor=None, via="member")
    before = comment.due_on - dt.timedelta(days=7)
    assert comment_reminders(before) == 1
    assert comment_reminders(before) == 0
    late = comment.due_on + dt.timedelta(days=3)
    sent = comment_reminders(late)
    assert sent == 1  # commune staff (parent of cell A) escalated
    assert comment_reminders(late) == 0
    assert (
        Notification.objects.filter(
            user=cast.users["commune_staff"], kind="reviews.comment.overdue"
        ).count()
        == 1
    )
    assert ResidenceComment.objects.count() == 1
    assert connection.vendor in ("sqlite", "postgresql")


def test_sent_comment_is_sealed_and_raw_edit_is_detected(cast):
    from lienhe.audit.sealing import verify_contents

    live_introduction(cast)
    sec = cast.users["secretary_a"]
    comment = services.request_comment(cast.members["w1"], YEAR, actor=None, via="member")
    comment = services.save_draft(
        comment, duties=ALL_DUTIES, conclusion=1, expected_version=1, actor=sec
    )
    comment = services.send_comment(comment, expected_version=comment.version, actor=sec)
    assert not [p for p in verify_contents() if p.object_type == "reviews.residencecomment"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_residencecomment SET conclusion = 0 WHERE id = %s", [comment.pk]
        )
    problems = [p for p in verify_contents() if p.object_type == "reviews.residencecomment"]
    assert [p.object_id for p in problems] == [str(comment.pk)]


def test_a_draft_saved_again_recounts_nothing_and_keeps_cached_pages(cast):
    """Requested → draft changes what the comment counters read (its state): the
    counters are recounted and the subtree's comment pages dropped. A draft saved
    again changes only its text: nothing is recounted, the cached pages stay, and the
    counters still agree with the comments (issue 21, session 11)."""
    from django.core.cache import cache

    from lienhe.summaries import services as summaries
    from lienhe.summaries.cache import version_keys

    live_introduction(cast)
    sec = cast.users["secretary_a"]
    comment = services.request_comment(cast.members["w1"], YEAR, actor=None, via="member")
    keys = version_keys(cast.province.path, ("comments",))

    before = cache.get_many(keys)
    comment = services.save_draft(
        comment, duties=ALL_DUTIES, conclusion=0, expected_version=1, actor=sec
    )
    after_first = cache.get_many(keys)
    assert after_first != before
    assert summaries.totals([cast.cell_a.path], ["comments.to.draft"]) == {"comments.to.draft": 1}

    comment = services.save_draft(
        comment, duties=ALL_DUTIES, conclusion=2, expected_version=comment.version, actor=sec
    )
    assert cache.get_many(keys) == after_first
    assert comment.conclusion == 2 and comment.version == 3
    assert summaries.totals([cast.cell_a.path], ["comments.to.draft"]) == {"comments.to.draft": 1}
    assert summaries.totals([cast.agency.path], ["comments.from.draft"]) == {
        "comments.from.draft": 1
    }

    comment = services.send_comment(comment, expected_version=comment.version, actor=sec)
    assert cache.get_many(keys) != after_first
    sent = summaries.totals([cast.cell_a.path], ["comments.to.sent", "comments.to.draft"])
    assert {k: v for k, v in sent.items() if v} == {"comments.to.sent": 1}
