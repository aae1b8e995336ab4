"""Reviews: requesting, writing, sending, sealing and correcting a residence comment."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.sealing import seal
from lienhe.audit.services import log_action
from lienhe.concurrency import lock_checked
from lienhe.liaison.selectors import current_introduction
from lienhe.members.models import Member
from lienhe.notify.services import notify
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy
from lienhe.summaries import hooks as summary_hooks

from .constants import (
    DUTY_KEYS,
    Purpose,
)
from .criteria import scoring_basis
from .models import ResidenceComment, YearReview
from .services_base import (
    ReviewError,
    StaleEdit,
    comment_levels,
    comment_window,
    due_after_window,
    exemption_reason,
    gather_evidence,
)


def _save(comment: ResidenceComment, *, counted: bool = True) -> None:
    """Bump the version, save, recount the comment counters of both sides (issue 21).
    `counted=False`: no field a counter or a cached page reads has changed (a draft
    saved again: the "comments" readers read states, years, organizations and the
    conclusions of sent comments only), so nothing is recounted and the subtrees'
    cached pages stay: a secretary saving a draft no longer drops the province's."""
    comment.version += 1
    comment.save()
    if counted:
        summary_hooks.changed("comments", [comment.residence_org_id, comment.workplace_org_id])


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
    duties = {k: (duties.get(k) or "").strip() for k in DUTY_KEYS}
    label = (
        comment_levels(comment.residence_org, comment.year)[conclusion]
        if conclusion is not None
        else ""
    )
    unchanged = (duties, conclusion, label, remarks.strip()) == (
        comment.duties,
        comment.conclusion,
        comment.conclusion_label,
        comment.remarks,
    )
    if unchanged and comment.state == ResidenceComment.State.DRAFT and comment.evidence:
        # Saved again as it is: no new version, history row or audit entry (a page
        # cached under the comments' table stays valid).
        return comment
    comment.duties, comment.conclusion, comment.conclusion_label = duties, conclusion, label
    comment.remarks = remarks.strip()
    if not comment.evidence:
        comment.evidence = gather_evidence(comment.member, comment.year)
    was_draft = comment.state == ResidenceComment.State.DRAFT
    comment.state = ResidenceComment.State.DRAFT
    _save(comment, counted=not was_draft)
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
    _save(comment)
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
    _save(comment)
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
