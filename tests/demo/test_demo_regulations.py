"""The demo shows the regulations as written (issue 19): this year's reviews scored under
Quy định 366 within the cap, the review of 2024 still under Quy định 124, exemptions
decided on the member's application proposed by the cell."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q

from lienhe.away.models import Exemption, ExemptionApplication
from lienhe.reviews.constants import LEVEL_RANK, ReviewLevel, level_for_score
from lienhe.reviews.models import YearReview

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def demo():
    with time_machine.travel(MORNING, tick=False):
        call_command("seed_demo", "--members", "150", "--seed", "1", "--quiet")
        yield


def test_2026_reviews_are_scored_under_qd366_and_2024_reviews_stay_under_qd124(demo, client):
    final_2026 = YearReview.objects.filter(year=2026, state="final")
    assert final_2026.exists()
    for r in final_2026:
        assert r.regulation == "qd366" and r.score is not None
        assert r.score_general <= 30 and r.score_tasks <= 70
        assert LEVEL_RANK[ReviewLevel(r.decision_level)] <= LEVEL_RANK[level_for_score(r.score)]
    final_2024 = YearReview.objects.filter(year=2024, state="final")
    assert final_2024.exists()
    assert set(final_2024.values_list("regulation", flat=True)) == {"qd124"}
    assert not final_2024.filter(score_general__isnull=False).exists()
    # The cap (20% of the "Hoàn thành tốt" count) holds in every cell of the demo.
    for row in (
        final_2026.values("organization_id")
        .annotate(
            good=Count("id", filter=Q(decision_level="good")),
            excellent=Count("id", filter=Q(decision_level="excellent")),
        )
        .order_by()
    ):
        assert row["excellent"] <= row["good"] * 20 // 100


def test_demo_exemptions_follow_an_application_proposed_by_the_cell(demo):
    exemptions = Exemption.objects.all()
    assert exemptions.exists()
    decided = ExemptionApplication.objects.filter(status="decided")
    assert decided.count() == exemptions.count()
    for app in decided.select_related("exemption"):
        assert app.applied_on < app.cell_proposed_on <= app.exemption.issued_on
    assert set(
        ExemptionApplication.objects.exclude(status="decided").values_list("status", flat=True)
    ) == {"submitted", "proposed"}
