"""Demo comments and reviews: last year complete, this year's campaign under way, with
realistic leniency (some cells rate everyone top) and a few conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from lienhe.demo.bulk import bulk_create
from lienhe.demo.context import DemoContext, extender
from lienhe.demo.national import Plan, RowWriter, _at
from lienhe.liaison.models import Introduction

from .constants import DUTY_KEYS, Regulation, ReviewLevel, regulation_for_year
from .models import ResidenceComment, YearReview

LEVELS = ["Thực hiện tốt", "Thực hiện chưa tốt", "Không thực hiện"]
GOOD_TEXT = {
    "dieu2_1": "Gương mẫu, lối sống giản dị, quan hệ tốt với hàng xóm.",
    "dieu2_2": "Chấp hành tốt quy định của địa phương; vận động gia đình thực hiện.",
    "dieu2_3": "Tham gia sinh hoạt chi bộ nơi cư trú theo kế hoạch, có ý kiến đóng góp.",
    "dieu2_4": "Dự hội nghị nhân dân cuối năm; giữ liên hệ với trưởng thôn, tổ trưởng tổ dân phố.",
    "dieu2_5": "Vận động nhân dân tham gia phong trào xây dựng nông thôn mới.",
    "dieu2_6": "Ủng hộ quỹ khuyến học, tham gia vệ sinh môi trường khu dân cư.",
    "dieu2_7": "Chịu sự giám sát của chi ủy, nhân dân nơi cư trú.",
}
WEAK_TEXT = {
    "dieu2_3": "Ít tham gia sinh hoạt; vắng nhiều buổi không báo lý do.",
    "dieu2_6": "Chưa tham gia nhiệm vụ được phân công.",
}


def _comment(intro, year, state, conclusion, now, due, rng, evidence):
    duties = {
        k: (WEAK_TEXT.get(k) if conclusion and k in WEAK_TEXT else GOOD_TEXT[k]) for k in DUTY_KEYS
    }
    sent_day = due - dt.timedelta(days=rng.randint(-6, 20))
    sent_at = timezone.make_aware(dt.datetime(sent_day.year, sent_day.month, sent_day.day, 9, 0))
    is_sent = state == "sent"
    return ResidenceComment(
        member_id=intro.member_id,
        year=year,
        introduction_id=intro.pk,
        residence_org_id=intro.residence_org_id,
        workplace_org_id=intro.member.organization_id,
        requested_via=rng.choice(["workplace", "workplace", "member"]),
        due_on=due,
        state=state,
        duties=duties if state != "requested" else {},
        conclusion=conclusion if state != "requested" else None,
        conclusion_label=LEVELS[conclusion] if state != "requested" else "",
        evidence=evidence if state != "requested" else {},
        sent_at=min(sent_at, now) if is_sent else None,
        signer_title="Bí thư chi bộ" if is_sent else "",
    )


@extender(80)
def build(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    now = timezone.now()
    intros = list(
        Introduction.objects.filter(state__in=Introduction.LIVE_STATES, exemption="")
        .select_related("member")
        .order_by("id")
    )
    if not intros:
        return
    cells = sorted({i.residence_org_id for i in intros})
    lenient_cells = set(rng.sample(cells, max(1, len(cells) // 8)))
    demo_cell = ctx.extras.get("demo_cell")
    if demo_cell is not None:
        lenient_cells.discard(demo_cell.pk)
    comments: list[ResidenceComment] = []
    year, last = today.year, today.year - 1
    window_open, due = dt.date(year, 11, 1), dt.date(year, 11, 30)
    for intro in intros:
        lenient = intro.residence_org_id in lenient_cells
        weak = rng.random() < 0.12
        attended = rng.randint(0, 3) if weak else rng.randint(5, 10)
        evidence = {
            "meetings_expected": 10,
            "meetings_present": attended,
            "meetings_excused": 1,
            "meetings_absent": 10 - attended - 1 if attended < 9 else 0,
            "tasks_given": 2,
            "tasks_done": 0 if weak else 2,
            "letter_on_time": not weak,
            "thread_notes": 1,
        }
        level = 0 if lenient or not weak else rng.choice([1, 1, 2])
        comments.append(
            _comment(intro, last, "sent", level, now, dt.date(last, 11, 30), rng, evidence)
        )
        if today >= window_open:
            roll = rng.random()
            state = "sent" if roll < 0.55 else ("draft" if roll < 0.7 else "requested")
            comments.append(_comment(intro, year, state, level, now, due, rng, evidence))
    bulk_create(comments)
    # The campaign's requests were made when each year's window opened, not the day
    # the demo is seeded (auto_now_add): a request is never born overdue (issue 16).
    for y in (last, year):
        opened = timezone.make_aware(dt.datetime(y, 11, 1, 8, 0))
        ResidenceComment.objects.filter(year=y, requested_at__gt=opened).update(
            requested_at=min(opened, now)
        )

    sent_last = {c.member_id: c for c in ResidenceComment.objects.filter(year=last, state="sent")}
    reviews = []
    for member_id, comment in sent_last.items():
        weak_residence = comment.conclusion > 0
        decision = ReviewLevel.GOOD if rng.random() < 0.7 else ReviewLevel.COMPLETED
        if rng.random() < 0.12:
            decision = ReviewLevel.EXCELLENT
        conflict = weak_residence and decision in (ReviewLevel.EXCELLENT, ReviewLevel.GOOD)
        scored = regulation_for_year(last) == Regulation.QD366
        # Quy định 366: a score inside the level's band (Điều 11), 30 + 70 points.
        band = {"excellent": (90, 98), "good": (70, 89), "completed": (50, 69)}[decision]
        total = rng.randint(*band)
        reviews.append(
            YearReview(
                regulation=regulation_for_year(last),
                score_general=min(30, total * 30 // 100) if scored else None,
                score_tasks=total - min(30, total * 30 // 100) if scored else None,
                member_id=member_id,
                year=last,
                organization_id=comment.workplace_org_id,
                self_level=ReviewLevel.GOOD,
                proposal_level=decision,
                decision_level=decision,
                residence_comment_id=comment.pk,
                conflict=conflict,
                state="final",
                justification="Hoàn thành tốt nhiệm vụ chuyên môn; chi bộ đã trao đổi với nơi cư trú."
                if conflict
                else "",
                decided_at=now,
            )
        )
    _respect_excellent_cap(reviews)
    bulk_create(reviews)
    _year_end_in_progress(today, year)
    _reviews_of_other_years(reviews, today, now)


# Quy định 366, Điều 11: the score band of each level (demo scores stay inside it).
BANDS = {"excellent": (90, 98), "good": (70, 89), "completed": (50, 69), "not_completed": (30, 49)}


def score_in_band(level: str, n: int) -> tuple[int, int]:
    """A Quy định 366 score inside the level's band picked by `n` (no random draw, so a
    bulk builder keeps its other draws), split 30 + 70."""
    low, high = BANDS[level]
    total = low + n % (high - low + 1)
    general = min(30, total * 30 // 100)
    return general, total - general


def _scores(level: str, rng) -> tuple[int, int]:
    """A Quy định 366 score inside the level's band (Điều 11), split 30 + 70."""
    return score_in_band(level, rng.randint(0, 99))


def _reviews_of_other_years(last_year: list[YearReview], today: dt.date, now) -> None:
    """The review of 2024 (before Quy định 366) still shows Quy định 124 without scores;
    this year's reviews, decided for members whose residence comment has been sent, are
    scored under Quy định 366 within the cap. Draws come from their own generator so the
    rest of the demo keeps its seeded values."""
    import random

    rng = random.Random(len(last_year))
    year = today.year
    older = []
    for r in last_year[: max(1, len(last_year) // 2)]:
        y = year - 2
        older.append(
            YearReview(
                regulation=regulation_for_year(y),
                member_id=r.member_id,
                year=y,
                organization_id=r.organization_id,
                self_level=ReviewLevel.GOOD,
                proposal_level=r.decision_level,
                decision_level=r.decision_level,
                state="final",
                residence_absence_reason="Nhận xét nơi cư trú lưu trên giấy (trước khi dùng Lienhe)",
                decided_at=now,
            )
        )
    reviewed = set(YearReview.objects.filter(year=year).values_list("member_id", flat=True))
    sent = ResidenceComment.objects.filter(year=year, state="sent").exclude(member_id__in=reviewed)
    current = []
    for c in sent.order_by("id")[: max(1, sent.count() // 2)]:
        level = ReviewLevel.COMPLETED if c.conclusion else ReviewLevel.GOOD
        if not c.conclusion and rng.random() < 0.1:
            level = ReviewLevel.EXCELLENT
        general, tasks = _scores(level, rng)
        current.append(
            YearReview(
                regulation=regulation_for_year(year),
                score_general=general,
                score_tasks=tasks,
                member_id=c.member_id,
                year=year,
                organization_id=c.workplace_org_id,
                self_level=ReviewLevel.GOOD,
                proposal_level=level,
                decision_level=level,
                residence_comment_id=c.pk,
                state="final",
                decided_at=now,
            )
        )
    _respect_excellent_cap(current)
    bulk_create(older + current)


def _respect_excellent_cap(reviews: list[YearReview], percent: int = 20) -> None:
    """The demo keeps the Quy định 366 cap: per cell, at most `percent`% of the "Hoàn
    thành tốt" count may be "Hoàn thành xuất sắc"; extra ones become "Hoàn thành tốt"."""
    by_org: dict[int, list[YearReview]] = {}
    for r in reviews:
        if r.regulation == Regulation.QD366:
            by_org.setdefault(r.organization_id, []).append(r)
    for rows in by_org.values():
        good = sum(1 for r in rows if r.decision_level == ReviewLevel.GOOD)
        excellent = [r for r in rows if r.decision_level == ReviewLevel.EXCELLENT]
        while excellent and len(excellent) > (good * percent) // 100:
            r = excellent.pop()
            r.decision_level = r.proposal_level = ReviewLevel.GOOD
            r.score_tasks = min(r.score_tasks, 59)  # back into the 70–89 band
            good += 1


def _year_end_in_progress(today: dt.date, year: int) -> None:
    """A handful of the board's red flags (docs/reports.md): a few comments asked
    earlier with a deadline already past, and a few "good" proposals against a weak
    residence comment waiting for the committee's written justification."""
    late = list(
        ResidenceComment.objects.filter(year=year, state__in=["requested", "draft"])
        .order_by("id")
        .values_list("pk", flat=True)[:4]
    )
    for i, pk in enumerate(late):
        ResidenceComment.objects.filter(pk=pk, due_on__gte=today).update(
            due_on=today - dt.timedelta(days=3 + 4 * i)
        )
    weak = (
        ResidenceComment.objects.filter(year=year, state="sent", conclusion__gt=0)
        .exclude(member__year_reviews__year=year)
        .order_by("id")[:3]
    )
    YearReview.objects.bulk_create(
        YearReview(
            member_id=c.member_id,
            year=year,
            organization_id=c.workplace_org_id,
            self_level=ReviewLevel.GOOD,
            proposal_level=ReviewLevel.GOOD,
            proposal_note="Hoàn thành tốt nhiệm vụ chuyên môn.",
            state="proposed",
            regulation=regulation_for_year(year),
        )
        for c in weak
    )


# ---------------------------------------- national data set (`seed_demo --national`)


def build_national(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    """Last year's reviews decided for every member, last year's residence comments sent
    for working members, this year's campaign under way (comments requested in
    November, some sent)."""
    rng, today = ctx.rng, ctx.today
    last = today.year - 1
    comment_ids: dict[int, int] = {}
    comment_cols = ["id", "member_id", "year", "residence_org_id", "workplace_org_id",
                    "requested_via", "requested_at", "due_on", "state", "conclusion",
                    "conclusion_label", "sent_at"]  # fmt: skip

    def comments() -> Iterator[tuple]:
        for member_id, cell_id, home_id in plan.working:
            base_id = plan.base_of[cell_id]
            cid = writer.next_id(ResidenceComment)
            comment_ids[member_id] = cid
            due = dt.date(last, 11, 30)
            sent = _at(due - dt.timedelta(days=rng.randint(-10, 20)), 10)
            yield (cid, member_id, last, home_id, base_id, "workplace", _at(dt.date(last, 11, 1), 8),
                   due, "sent", 0 if rng.random() < 0.8 else 1, "Tốt", sent)  # fmt: skip
            if today.month >= 11:
                due = dt.date(today.year, 11, 30)
                requested = _at(dt.date(today.year, 11, 1), 8)
                if rng.random() < 0.4:
                    sent_at = min(
                        timezone.now(), _at(today - dt.timedelta(days=rng.randint(0, 20)), 10)
                    )
                    yield (writer.next_id(ResidenceComment), member_id, today.year, home_id,
                           base_id, "workplace", requested, due, "sent", 0, "Tốt", sent_at)  # fmt: skip
                else:
                    yield (writer.next_id(ResidenceComment), member_id, today.year, home_id,
                           base_id, "workplace", requested, due, "requested", None, "", None)  # fmt: skip

    writer.write(ResidenceComment, comment_cols, comments(), "Nhận xét", len(plan.working) * 2)
    levels = ["excellent", "good", "completed", "not_completed"]
    weights = [0.15, 0.7, 0.13, 0.02]
    first = plan.first_member_id
    decided = _at(dt.date(last, 12, 20), 9)
    # Quy định 366 from 2025: last year's reviews carry it and a score in the level's band.
    regulation = regulation_for_year(last)
    scored = regulation == Regulation.QD366

    def reviews() -> Iterator[tuple]:
        for index, org_id in enumerate(plan.member_org):
            mid = first + index
            level = rng.choices(levels, weights)[0]
            general, tasks = score_in_band(level, mid) if scored else (None, None)
            yield (writer.next_id(YearReview), mid, last, org_id, level, level, level,
                   comment_ids.get(mid), "final", decided, regulation, general, tasks)  # fmt: skip

    writer.write(
        YearReview,
        [
            "id",
            "member_id",
            "year",
            "organization_id",
            "self_level",
            "proposal_level",
            "decision_level",
            "residence_comment_id",
            "state",
            "decided_at",
            "regulation",
            "score_general",
            "score_tasks",
        ],  # fmt: skip
        reviews(),
        "Xếp loại",
        len(plan.member_org),
    )
