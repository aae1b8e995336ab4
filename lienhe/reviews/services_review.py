"""Reviews: the year-end review (self-assessment, proposal, final level, QĐ 366 caps)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.sealing import seal
from lienhe.audit.services import log_action
from lienhe.concurrency import lock_checked
from lienhe.liaison.selectors import current_introduction
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy
from lienhe.summaries import hooks as summary_hooks

from .constants import (
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
from .criteria import needs_justification
from .models import ResidenceComment, YearReview
from .services_base import ReviewError, StaleEdit, exemption_reason
from .services_comments import review_content, score_basis_for

# --- year-end review ---------------------------------------------------------------


def _save(review: YearReview, action: str, actor, data: dict | None = None) -> None:
    """Bump the version, save and write the audit row of a review step."""
    review.version += 1
    review.save()
    # No summary counts reviews; the comments report (cached per subtree) shows them.
    summary_hooks.paths_changed([review.organization.path])
    log_action(review, action, actor=actor, organization_path=review.organization.path, data=data)


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
    _save(review, "reviews.review.self_assessed", actor, data={"level": level})
    return review


@transaction.atomic
def propose(
    review: YearReview, *, level: str, note: str, actor, expected_version: int | None = None
) -> YearReview:
    review = _lock_review(review, expected_version)
    review.proposal_level, review.proposal_note = level, note.strip()
    review.state = YearReview.State.PROPOSED
    review.proposed_by = actor
    _save(review, "reviews.review.proposed", actor, data={"level": level})
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
    _save(
        review,
        "reviews.review.finalised",
        actor,
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
