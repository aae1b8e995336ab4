"""Figures of the comment campaign and the review for a subtree and year (bounded
queries), and the leniency signals for the organization board."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy

from .constants import Purpose, ReviewLevel
from .models import ResidenceComment, YearReview


def comment_counts(org: Organization, year: int, today: dt.date) -> dict:
    """THE definition of the comment figures (issue 16, catalogue figure
    `comments_on_time`): the yearly comments of `year` addressed to the subtree's
    residence cells (or owed by its workplaces), as of `today`: requested, sent
    (by `today`), sent late (after the due date), sent on time, overdue (not sent,
    past due), pending. The national root (empty path) needs no join."""
    qs = ResidenceComment.objects.filter(year=year, purpose=Purpose.YEARLY).exclude(
        state=ResidenceComment.State.SUPERSEDED
    )
    if org.path:
        qs = qs.in_subtree(org)
    sent = Q(state=ResidenceComment.State.SENT, sent_at__date__lte=today)
    figures = qs.aggregate(
        requested=Count("id"),
        sent=Count("id", filter=sent),
        sent_late=Count("id", filter=sent & Q(sent_at__date__gt=F("due_on"))),
        overdue=Count("id", filter=~sent & Q(due_on__lt=today)),
    )
    figures["sent_on_time"] = figures["sent"] - figures["sent_late"]
    figures["pending"] = figures["requested"] - figures["sent"]
    return figures


def comment_coverage(
    org: Organization, year: int, today: dt.date | None = None, *, counts: dict | None = None
) -> dict:
    """`comment_counts` and the subtree's working members (the report page). `counts`:
    the `comment_counts` of the same subtree, year and date when the caller already has
    them (the report reads them for its catalogue figure: one scan, not two)."""
    from lienhe.reports import figures

    today = today or timezone.localdate()
    keys = ("requested", "sent", "sent_late", "overdue", "sent_on_time", "pending")
    if counts is not None:
        result = {k: counts[k] for k in keys}
    else:
        result = comment_counts(org, year, min(today, dt.date(year, 12, 31)))
    result["working_members"] = figures.read("working_members", org, today)["value"]
    return result


def conclusion_distribution(org: Organization, year: int) -> list[dict]:
    rows = (
        ResidenceComment.objects.in_subtree(org)
        .filter(year=year, purpose=Purpose.YEARLY, state=ResidenceComment.State.SENT)
        .values("conclusion", "conclusion_label")
        .annotate(n=Count("id"))
        .order_by("conclusion")
    )
    return [{"label": r["conclusion_label"], "level": r["conclusion"], "n": r["n"]} for r in rows]


def review_distribution(org: Organization, year: int) -> list[dict]:
    counts = dict(
        YearReview.objects.in_subtree(org)
        .filter(year=year, state=YearReview.State.FINAL)
        .values_list("decision_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"level": lvl, "label": lvl.label, "n": counts.get(lvl.value, 0)} for lvl in ReviewLevel
    ]


def below_good_comment() -> Exists:
    """For a YearReview queryset: the member's sent yearly comment of that year concludes
    below "good" (a high proposal then conflicts with it and needs a justification)."""
    return Exists(
        ResidenceComment.objects.filter(
            member=OuterRef("member_id"),
            year=OuterRef("year"),
            purpose=Purpose.YEARLY,
            state=ResidenceComment.State.SENT,
            conclusion__gt=0,
        )
    )


def conflicts(org: Organization, year: int):
    return (
        YearReview.objects.in_subtree(org)
        .filter(year=year, conflict=True)
        .select_related(
            "member", "organization", "residence_comment", "residence_comment__residence_org"
        )
        .order_by("organization__path", "member__search_name")
    )


def leniency_signals(org: Organization, year: int, limit: int = 200) -> dict:
    """Two lists, ranked, each with its evidence — never a verdict:
    - cells whose sent comments are all at the top level this year and last year;
    - comments at the top level while attendance/task evidence is under the threshold."""
    threshold = int(effective_policy(org, "leniency_evidence_threshold", dt.date(year, 12, 31)))
    sent = ResidenceComment.objects.in_subtree(org).filter(
        purpose=Purpose.YEARLY, state=ResidenceComment.State.SENT, year__in=[year - 1, year]
    )
    per_cell = (
        sent.values("residence_org_id", "residence_org__name", "year")
        .annotate(n=Count("id"), top=Count("id", filter=Q(conclusion=0)))
        .order_by()
    )
    cells: dict[int, dict] = {}
    for row in per_cell:
        cell = cells.setdefault(
            row["residence_org_id"],
            {"id": row["residence_org_id"], "name": row["residence_org__name"], "years": {}},
        )
        cell["years"][row["year"]] = (row["n"], row["top"])
    all_top = []
    for cell in cells.values():
        years = cell["years"]
        if (
            year in years
            and year - 1 in years
            and all(n >= 3 and n == top for n, top in years.values())
        ):
            cell["comments"] = sum(n for n, _t in years.values())
            all_top.append(cell)
    all_top.sort(key=lambda c: -c["comments"])

    disagreements = []
    for comment in (
        sent.filter(year=year, conclusion=0)
        .select_related("member", "residence_org")
        .order_by("residence_org__path")[: limit * 5]
    ):
        ev = comment.evidence or {}
        expected = ev.get("meetings_expected") or 0
        attendance = round(100 * (ev.get("meetings_present") or 0) / expected) if expected else None
        given = ev.get("tasks_given") or 0
        tasks = round(100 * (ev.get("tasks_done") or 0) / given) if given else None
        worst = min([r for r in (attendance, tasks) if r is not None], default=None)
        if worst is not None and worst < threshold:
            disagreements.append(
                {
                    "comment": comment,
                    "attendance": attendance,
                    "tasks": tasks,
                    "gap": threshold - worst,
                }
            )
    disagreements.sort(key=lambda d: -d["gap"])
    return {
        "threshold": threshold,
        "all_top_cells": all_top[:limit],
        "disagreements": disagreements[:limit],
    }


def by_child(org: Organization, year: int) -> list[dict]:
    """Comment coverage per child organization (drill-down), 2 grouped queries."""
    from django.db.models.functions import Substr

    width = (org.depth + 1) * Organization.steplen
    children = list(Organization.objects.get_children(org))
    rows = (
        ResidenceComment.objects.filter(
            residence_org__path__startswith=org.path,
            residence_org__depth__gt=org.depth,
            year=year,
            purpose=Purpose.YEARLY,
        )
        .exclude(state=ResidenceComment.State.SUPERSEDED)
        .annotate(prefix=Substr("residence_org__path", 1, width))
        .values("prefix")
        .annotate(
            requested=Count("id"),
            sent=Count("id", filter=Q(state=ResidenceComment.State.SENT)),
            on_time=Count(
                "id",
                filter=Q(state=ResidenceComment.State.SENT, sent_at__date__lte=F("due_on")),
            ),
            top=Count("id", filter=Q(state=ResidenceComment.State.SENT, conclusion=0)),
        )
        .order_by()
    )
    found = {r["prefix"]: r for r in rows}
    result = []
    keys = ("requested", "sent", "on_time", "top")
    for child in children:
        r = found.get(child.path, dict.fromkeys(keys, 0))
        result.append({"org": child, **{k: r[k] for k in keys}})
    return result
