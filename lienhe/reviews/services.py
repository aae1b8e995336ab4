"""Rules of the yearly residence comment and the year-end review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.sealing import seal
from lienhe.audit.services import log_action
from lienhe.concurrency import lock_checked
from lienhe.liaison.models import Introduction
from lienhe.liaison.selectors import current_introduction, residence_record
from lienhe.members.models import Member
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy
from lienhe.summaries import hooks as summary_hooks

from .constants import (
    DUTY_KEYS,
    HIGH_LEVELS,
    LEVEL_RANK,
    QD366_GENERAL_MAX,
    QD366_TASKS_MAX,
    Purpose,
    Regulation,
    ReviewLevel,
    level_for_score,
    regulation_for_year,
)
from .criteria import needs_justification, scoring_basis
from .models import ResidenceComment, YearReview


class ReviewError(Exception):
    """A comment or review step the rules forbid; the message is for the user."""


class StaleEdit(ReviewError):
    pass


# --- campaign window and exemptions --------------------------------------------------


def _month_day(value: str, year: int) -> dt.date:
    month, day = (int(part) for part in str(value).split("-"))
    return dt.date(year, month, day)


def comment_window(org: Organization, year: int) -> tuple[dt.date, dt.date]:
    """(open, due) of the yearly campaign for `org` from Policy."""
    on = dt.date(year, 12, 31)
    return (
        _month_day(effective_policy(org, "comment_window_open", on), year),
        _month_day(effective_policy(org, "comment_window_due", on), year),
    )


def due_after_window(org: Organization, window_due: dt.date, created_on: dt.date) -> dt.date:
    """A request created after its yearly window has ended is never born overdue: it
    gets creation + `late_request_days` (Policy, a Lienhe default) instead of the
    window's end. Every module deriving a due date from a yearly window uses this."""
    if created_on <= window_due:
        return window_due
    days = int(effective_policy(org, "late_request_days", created_on))
    return created_on + dt.timedelta(days=days)


def comment_levels(org: Organization, year: int) -> list[str]:
    return list(effective_policy(org, "comment_levels", dt.date(year, 12, 31)))


def exemption_reason(intro: Introduction | None) -> str:
    """Why the member owes no yearly comment ('' when they owe one)."""
    if intro is None:
        return _("Chưa được giới thiệu về sinh hoạt nơi cư trú")
    if intro.state == Introduction.State.EXEMPT or intro.exemption:
        label = intro.get_exemption_display() if intro.exemption else _("Miễn giới thiệu")
        return f"{label}: {intro.exemption_reason}".strip(": ")
    if intro.state not in Introduction.LIVE_STATES:
        return _("Chưa nộp giấy giới thiệu về nơi cư trú")
    return ""


# --- evidence ------------------------------------------------------------------------


def gather_evidence(member: Member, year: int) -> dict[str, Any]:
    """What the system already knows, copied into the comment when it is prepared."""
    from lienhe.meetings.selectors import attendance_summary

    record = residence_record(member, year)
    attendance = attendance_summary([member.pk], year)[member.pk]
    return {
        "meetings_expected": attendance["expected"],
        "meetings_present": attendance["present"] + attendance["late"],
        "meetings_excused": attendance["excused"],
        "meetings_absent": attendance["absent"],
        "tasks_given": record["tasks_given"],
        "tasks_done": record["tasks_done"],
        "letter_on_time": record["on_time"],
        "letter_handed_in_on": record["handed_in_on"].isoformat()
        if record["handed_in_on"]
        else None,
        "thread_notes": record["thread_notes"],
    }


def evidence_rate(evidence: dict) -> int | None:
    """Lowest of attendance rate and task completion rate, in %, None without data."""
    rates = []
    if evidence.get("meetings_expected"):
        rates.append(100 * evidence["meetings_present"] / evidence["meetings_expected"])
    if evidence.get("tasks_given"):
        rates.append(100 * evidence["tasks_done"] / evidence["tasks_given"])
    return round(min(rates)) if rates else None


# --- requests ------------------------------------------------------------------------


@transaction.atomic
def request_comment(
    member: Member,
    year: int,
    *,
    actor,
    via: str,
    purpose: str = Purpose.YEARLY,
    today: dt.date | None = None,
) -> ResidenceComment:
    """Open (or return the open) comment request for `member`. Yearly requests are
    refused for exempted members; ad hoc ones (promotion, reward, discipline) are not."""
    today = today or timezone.localdate()
    intro = current_introduction(member)
    reason = exemption_reason(intro)
    if purpose == Purpose.YEARLY:
        if reason:
            raise ReviewError(_("Không yêu cầu nhận xét hằng năm: %(r)s.") % {"r": reason})
        existing = (
            ResidenceComment.objects.filter(member=member, year=year, purpose=Purpose.YEARLY)
            .exclude(state=ResidenceComment.State.SUPERSEDED)
            .first()
        )
        if existing:
            return existing
        _open, due = comment_window(intro.residence_org, year)
        due = due_after_window(intro.residence_org, due, today)
    else:
        if intro is None or intro.residence_org_id is None:
            raise ReviewError(_("Đảng viên chưa có nơi cư trú được giới thiệu để nhận xét."))
        due = today + dt.timedelta(
            days=int(effective_policy(intro.residence_org, "comment_adhoc_days", today))
        )
    try:
        with transaction.atomic():
            comment = ResidenceComment.objects.create(
                member=member,
                year=year,
                purpose=purpose,
                introduction=intro,
                residence_org=intro.residence_org,
                workplace_org=member.organization,
                requested_via=via,
                requested_by=actor,
                due_on=due,
            )
            summary_hooks.changed(
                "comments", [comment.residence_org_id, comment.workplace_org_id]
            )  # issue 21
    except IntegrityError:  # a concurrent request won the race: same result
        return ResidenceComment.objects.get(
            member=member,
            year=year,
            purpose=Purpose.YEARLY,
            state__in=["requested", "draft", "sent"],
        )
    log_action(
        comment,
        "reviews.comment.requested",
        actor=actor,
        organization_path=comment.residence_org.path,
        data={"member": member.pk, "year": year, "via": via, "purpose": purpose},
    )
    from lienhe.liaison.services import officers_of

    notify(
        officers_of(comment.residence_org, "reviews:write"),
        kind="reviews.comment.requested",
        title=_("Yêu cầu nhận xét đảng viên %(name)s") % {"name": member.full_name},
        body=_("Hạn gửi nhận xét: %(due)s.") % {"due": due.strftime("%d/%m/%Y")},
        url=reverse("reviews:comment_edit", args=[comment.pk]),
        dedupe_key=f"comment-request-{comment.pk}",
    )
    return comment


def request_for_organization(org: Organization, year: int, *, actor) -> dict[str, int]:
    """Workplace requests the yearly comment for every working member of its subtree.
    Returns counts {created, existing, skipped} (skipped = exempted or no liaison)."""
    counts = {"created": 0, "existing": 0, "skipped": 0}
    members = Member.objects.in_subtree(org).filter(is_working=True, status=Member.Status.ACTIVE)
    already = set(
        ResidenceComment.objects.filter(year=year, purpose=Purpose.YEARLY, member__in=members)
        .exclude(state=ResidenceComment.State.SUPERSEDED)
        .values_list("member_id", flat=True)
    )
    for member in members.select_related("organization").iterator():
        if member.pk in already:
            counts["existing"] += 1
            continue
        try:
            request_comment(member, year, actor=actor, via=ResidenceComment.Via.WORKPLACE)
        except ReviewError:
            counts["skipped"] += 1
        else:
            counts["created"] += 1
    return counts


# --- writing and sending -------------------------------------------------------------


def _lock(comment: ResidenceComment, expected_version: int | None) -> ResidenceComment:
    return lock_checked(
        ResidenceComment.objects.all(),
        comment.pk,
        expected_version,
        StaleEdit(
            _(
                "Phiếu nhận xét vừa được người khác sửa. Hãy tải lại trang; "
                "nội dung bạn nhập vẫn còn trên biểu mẫu."
            )
        ),
    )


def _validate(comment: ResidenceComment, duties: dict, conclusion: int | None) -> None:
    unknown = set(duties) - set(DUTY_KEYS)
    if unknown:
        raise ReviewError(_("Mục nhận xét không hợp lệ."))
    levels = comment_levels(comment.residence_org, comment.year)
    if conclusion is not None and not 0 <= conclusion < len(levels):
        raise ReviewError(_("Mức kết luận không hợp lệ."))


@transaction.atomic
def save_draft(
    comment: ResidenceComment,
    *,
    duties: dict,
    conclusion: int | None,
    remarks: str = "",
    expected_version: int | None,
    actor,
) -> ResidenceComment:
    comment = _lock(comment, expected_version)
    if comment.is_locked:
        raise ReviewError(_("Phiếu đã gửi thì không sửa được; hãy lập bản đính chính."))
    _validate(comment, duties, conclusion)
    comment.duties = {k: (duties.get(k) or "").strip() for k in DUTY_KEYS}
    comment.conclusion = conclusion
    comment.conclusion_label = (
        comment_levels(comment.residence_org, comment.year)[conclusion]
        if conclusion is not None
        else ""
    )
    comment.remarks = remarks.strip()
    if not comment.evidence:
        comment.evidence = gather_evidence(comment.member, comment.year)
    comment.state = ResidenceComment.State.DRAFT
    comment.version += 1
    comment.save()
    summary_hooks.changed(
        "comments", [comment.residence_org_id, comment.workplace_org_id]
    )  # issue 21
    log_action(
        comment,
        "reviews.comment.drafted",
        actor=actor,
        organization_path=comment.residence_org.path,
    )
    return comment


@transaction.atomic
def send_comment(
    comment: ResidenceComment, *, expected_version: int | None, actor, signer_title: str = ""
) -> ResidenceComment:
    """The secretary signs off: the comment is locked and delivered."""
    comment = _lock(comment, expected_version)
    if comment.is_locked:
        raise ReviewError(_("Phiếu này đã được gửi."))
    if comment.conclusion is None:
        raise ReviewError(_("Hãy chọn mức kết luận trước khi gửi."))
    missing = [k for k in DUTY_KEYS if not (comment.duties or {}).get(k)]
    if missing:
        raise ReviewError(
            _("Hãy nhận xét đủ %(n)s mục nhiệm vụ trước khi gửi (còn thiếu %(m)s).")
            % {"n": len(DUTY_KEYS), "m": len(missing)}
        )
    comment.evidence = gather_evidence(comment.member, comment.year)
    comment.state = ResidenceComment.State.SENT
    comment.sent_at = timezone.now()
    comment.signed_by = actor
    comment.signer_title = signer_title
    comment.version += 1
    comment.save()
    summary_hooks.changed(
        "comments", [comment.residence_org_id, comment.workplace_org_id]
    )  # issue 21
    _after_send(comment, actor, "reviews.comment.sent")
    return comment


def _after_send(comment: ResidenceComment, actor, action: str) -> None:
    log_action(
        comment,
        action,
        actor=actor,
        organization_path=comment.residence_org.path,
        data={"conclusion": comment.conclusion_label, "member": comment.member_id},
    )
    _seal(comment, actor)
    from lienhe.liaison.services import member_user, officers_of

    url = reverse("reviews:comment_detail", args=[comment.pk])
    title = _("Nhận xét nơi cư trú năm %(y)s của %(name)s đã được gửi") % {
        "y": comment.year,
        "name": comment.member.full_name,
    }
    notify(
        officers_of(comment.workplace_org, "reviews:write"),
        kind=action,
        title=title,
        url=url,
        dedupe_key=f"{action}-{comment.pk}",
    )
    notify(
        [member_user(comment.member)],
        kind=action,
        title=title,
        url=url,
        dedupe_key=f"{action}-{comment.pk}",
    )


def comment_content(comment: ResidenceComment) -> dict:
    """The sealed content: what must never change after sending."""
    return {
        "member": comment.member_id,
        "year": comment.year,
        "purpose": comment.purpose,
        "duties": comment.duties,
        "conclusion": comment.conclusion,
        "conclusion_label": comment.conclusion_label,
        "remarks": comment.remarks,
        "sent_at": comment.sent_at.isoformat() if comment.sent_at else None,
        "supersedes": comment.supersedes_id,
    }


def review_content(review: YearReview) -> dict:
    content = {
        "member": review.member_id,
        "year": review.year,
        "level": review.decision_level,
        "justification": review.justification,
        "comment": review.residence_comment_id,
        "absence_reason": review.residence_absence_reason,
    }
    # Only reviews decided with a scoring basis carry it: older seals stay valid.
    if review.score_basis:
        content["basis"] = review.score_basis
        content["score"] = [review.score_general, review.score_tasks]
    return content


def score_basis_for(member: Member, year: int, comment: ResidenceComment | None) -> dict:
    """The lines feeding the Quy định 366 criteria groups (reviews/criteria.py): the
    residence comment, the destination's comment, a committee member's visit record."""
    from lienhe.away.selectors import destination_comments
    from lienhe.visits.selectors import committee_member_summary

    return scoring_basis(
        comment=comment,
        destination=destination_comments([member.pk], year).get(member.pk),
        visit_seats=committee_member_summary(member.pk, year),
    )


def _seal(comment: ResidenceComment, actor) -> None:
    seal(
        comment,
        comment_content(comment),
        organization=comment.residence_org,
        year=comment.year,
        actor=actor,
    )


@transaction.atomic
def correct_comment(
    comment: ResidenceComment, *, duties: dict, conclusion: int, remarks: str, reason: str, actor
) -> ResidenceComment:
    """A sent comment is never edited: a new linked version replaces it, both kept."""
    comment = _lock(comment, None)
    if comment.state != ResidenceComment.State.SENT:
        raise ReviewError(_("Chỉ đính chính được phiếu đã gửi và chưa được đính chính."))
    if not reason.strip():
        raise ReviewError(_("Hãy ghi lý do đính chính."))
    _validate(comment, duties, conclusion)
    comment.state = ResidenceComment.State.SUPERSEDED
    comment.version += 1
    comment.save()
    summary_hooks.changed(
        "comments", [comment.residence_org_id, comment.workplace_org_id]
    )  # issue 21
    levels = comment_levels(comment.residence_org, comment.year)
    new = ResidenceComment.objects.create(
        member=comment.member,
        year=comment.year,
        purpose=comment.purpose,
        introduction=comment.introduction,
        residence_org=comment.residence_org,
        workplace_org=comment.workplace_org,
        requested_via=comment.requested_via,
        requested_by=comment.requested_by,
        due_on=comment.due_on,
        state=ResidenceComment.State.SENT,
        duties={k: (duties.get(k) or "").strip() for k in DUTY_KEYS},
        conclusion=conclusion,
        conclusion_label=levels[conclusion],
        remarks=remarks.strip(),
        evidence=comment.evidence,
        signed_by=actor,
        sent_at=timezone.now(),
        supersedes=comment,
        correction_reason=reason.strip(),
    )
    YearReview.objects.filter(residence_comment=comment).exclude(
        state=YearReview.State.FINAL
    ).update(residence_comment=new)
    summary_hooks.changed("comments", [new.residence_org_id, new.workplace_org_id])  # issue 21
    _after_send(new, actor, "reviews.comment.corrected")
    return new


# --- year-end review ---------------------------------------------------------------


def current_comment(member: Member, year: int) -> ResidenceComment | None:
    return (
        ResidenceComment.objects.filter(
            member=member, year=year, purpose=Purpose.YEARLY, state=ResidenceComment.State.SENT
        )
        .order_by("-sent_at")
        .first()
    )


def get_or_open_review(member: Member, year: int) -> YearReview:
    review, _created = YearReview.objects.get_or_create(
        member=member,
        year=year,
        defaults={"organization": member.organization, "regulation": regulation_for_year(year)},
    )
    return review


def _lock_review(review: YearReview, expected_version: int | None) -> YearReview:
    current = lock_checked(
        YearReview.objects.select_related("member"),
        review.pk,
        expected_version,
        StaleEdit(_("Bản đánh giá vừa được người khác sửa. Hãy tải lại trang.")),
    )
    if current.state == YearReview.State.FINAL:
        raise ReviewError(_("Đánh giá đã được quyết định, không sửa được."))
    return current


@transaction.atomic
def save_self_assessment(
    review: YearReview, *, level: str, text: str, actor, expected_version: int | None = None
) -> YearReview:
    review = _lock_review(review, expected_version)
    review.self_level, review.self_assessment = level, text.strip()
    review.version += 1
    review.save()
    log_action(
        review,
        "reviews.review.self_assessed",
        actor=actor,
        organization_path=review.organization.path,
        data={"level": level},
    )
    return review


@transaction.atomic
def propose(
    review: YearReview, *, level: str, note: str, actor, expected_version: int | None = None
) -> YearReview:
    review = _lock_review(review, expected_version)
    review.proposal_level, review.proposal_note = level, note.strip()
    review.state = YearReview.State.PROPOSED
    review.proposed_by = actor
    review.version += 1
    review.save()
    log_action(
        review,
        "reviews.review.proposed",
        actor=actor,
        organization_path=review.organization.path,
        data={"level": level},
    )
    return review


def is_conflict(level: str, comment: ResidenceComment | None) -> bool:
    """Excellent/good at work while the residence concluded below its good level."""
    return bool(comment and level in HIGH_LEVELS and (comment.conclusion or 0) > 0)


@transaction.atomic
def finalise(
    review: YearReview,
    *,
    level: str,
    justification: str = "",
    absence_reason: str = "",
    score_general: int | None = None,
    score_tasks: int | None = None,
    actor,
    expected_version: int | None = None,
) -> YearReview:
    """The committee decides. A working member's residence comment (or its recorded
    absence with a reason) is required unless exempted; a conflict needs a justification."""
    review = _lock_review(review, expected_version)
    if level not in ReviewLevel.values:
        raise ReviewError(_("Mức xếp loại không hợp lệ."))
    member = review.member
    comment = current_comment(member, review.year)
    if member.is_working and comment is None:
        reason = exemption_reason(current_introduction(member))
        if not reason and not absence_reason.strip():
            raise ReviewError(
                _(
                    "Đảng viên đang công tác: cần có nhận xét của chi ủy nơi cư trú "
                    "(hoặc ghi rõ lý do không có) trước khi quyết định xếp loại."
                )
            )
        review.residence_absence_reason = absence_reason.strip() or reason
    conflict = is_conflict(level, comment)
    if conflict and not justification.strip():
        raise ReviewError(
            _(
                "Xếp loại %(level)s trong khi nơi cư trú nhận xét “%(c)s”: "
                "cần giải trình bằng văn bản."
            )
            % {"level": ReviewLevel(level).label, "c": comment.conclusion_label}
        )
    if review.regulation == Regulation.QD366:
        basis = score_basis_for(member, review.year, comment)
        short = needs_justification(level, basis)
        if short and not justification.strip():
            raise ReviewError(
                _(
                    "Xếp loại %(level)s trong khi %(why)s: cần giải trình bằng văn bản "
                    "(căn cứ chấm điểm theo Quy định 366-QĐ/TW)."
                )
                % {"level": ReviewLevel(level).label, "why": "; ".join(short)}
            )
        _check_qd366(review, level, score_general, score_tasks)
        review.score_general, review.score_tasks = score_general, score_tasks
        review.score_basis = {"general": basis["general"], "tasks": basis["tasks"]}
    review.residence_comment = comment
    review.decision_level = level
    review.justification = justification.strip()
    review.conflict = conflict
    review.state = YearReview.State.FINAL
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.version += 1
    review.save()
    log_action(
        review,
        "reviews.review.finalised",
        actor=actor,
        organization_path=review.organization.path,
        data={
            "level": level,
            "conflict": conflict,
            "regulation": review.regulation,
            "score": review.score,
        },
    )
    seal(
        review,
        review_content(review),
        organization=review.organization,
        year=review.year,
        actor=actor,
    )
    return review


def _check_qd366(review: YearReview, level: str, general, tasks) -> None:
    """Quy định 366-QĐ/TW: the score on the 100-point framework (30 + 70) sets the highest
    level the member can get (Điều 11); a lower level stays possible where a named
    condition is not met. Then the cap on "Hoàn thành xuất sắc" at finalisation."""
    if general is None or tasks is None:
        raise ReviewError(
            _(
                "Đánh giá theo Quy định 366-QĐ/TW: nhập điểm nhóm tiêu chí chung (tối đa "
                "%(g)s) và nhóm tiêu chí kết quả thực hiện nhiệm vụ (tối đa %(t)s)."
            )
            % {"g": QD366_GENERAL_MAX, "t": QD366_TASKS_MAX}
        )
    if not (0 <= general <= QD366_GENERAL_MAX and 0 <= tasks <= QD366_TASKS_MAX):
        raise ReviewError(
            _("Điểm vượt khung: nhóm tiêu chí chung tối đa %(g)s, kết quả nhiệm vụ tối đa %(t)s.")
            % {"g": QD366_GENERAL_MAX, "t": QD366_TASKS_MAX}
        )
    score = general + tasks
    highest = level_for_score(score)
    if LEVEL_RANK[ReviewLevel(level)] > LEVEL_RANK[ReviewLevel(highest)]:
        raise ReviewError(
            _(
                "%(score)s điểm chỉ cho phép xếp loại tối đa “%(max)s” (Quy định 366-QĐ/TW, Điều 11)."
            )
            % {"score": score, "max": ReviewLevel(highest).label}
        )
    if level == ReviewLevel.EXCELLENT:
        check_excellent_cap(review)


def check_excellent_cap(review: YearReview) -> None:
    """The share of "Hoàn thành xuất sắc" may not exceed `review_excellent_cap_percent` of
    the members rated "Hoàn thành tốt", counted among the decided reviews of the same year
    in the cell and in its party committee (the cell's parent), this review included."""
    from lienhe.orgs.models import Organization

    percent = int(
        effective_policy(
            review.organization, "review_excellent_cap_percent", dt.date(review.year, 12, 31)
        )
    )
    scopes = [review.organization]
    parent = Organization.objects.get_parent(review.organization)
    if parent is not None and parent.kind != Organization.Kind.PROVINCE:
        scopes.append(parent)
    for org in scopes:
        counts = (
            YearReview.objects.filter(
                year=review.year,
                state=YearReview.State.FINAL,
                regulation=Regulation.QD366,
                organization__path__startswith=org.path,
            )
            .exclude(pk=review.pk)
            .aggregate(
                excellent=Count("id", filter=Q(decision_level=ReviewLevel.EXCELLENT)),
                good=Count("id", filter=Q(decision_level=ReviewLevel.GOOD)),
            )
        )
        excellent = counts["excellent"] + 1
        allowed = counts["good"] * percent // 100
        if excellent > allowed:
            raise ReviewError(
                _(
                    "%(org)s: %(n)s đảng viên xếp loại Hoàn thành xuất sắc vượt tỉ lệ cho phép: "
                    "tối đa %(max)s (%(p)s%% của %(good)s Hoàn thành tốt)."
                )
                % {
                    "org": org.name,
                    "n": excellent,
                    "max": allowed,
                    "p": percent,
                    "good": counts["good"],
                }
            )
