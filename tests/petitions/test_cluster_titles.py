"""Issue 15, finding 8: a cluster's heading never shows the summary of a petition
the user cannot see (the automatic title is the first petition's summary)."""

import csv
import io

import pytest
from django.urls import reverse

from lienhe.petitions import services
from lienhe.petitions.models import Category

pytestmark = pytest.mark.django_db

HIDDEN = "Bãi rác tự phát gây ô nhiễm cạnh chợ Đông"
SEEN = "Ô nhiễm từ bãi rác tự phát cạnh chợ"


@pytest.fixture
def cluster(cast):
    category = Category.objects.get(code="environment")
    other = services.create_petition(
        organization=cast.cell_b, summary=HIDDEN, category=category, source_type="staff"
    )
    mine = services.create_petition(
        organization=cast.cell_a, summary=SEEN, category=category, source_type="staff"
    )
    other.refresh_from_db()
    mine.refresh_from_db()
    assert other.cluster_id and other.cluster_id == mine.cluster_id
    assert other.cluster.title == HIDDEN  # the automatic title: cell B's summary
    return other.cluster, mine


def test_headings_come_from_the_petitions_the_user_sees(cast, login, cluster):
    cluster, mine = cluster
    bithu = login(cast.users["secretary_a"])
    page = bithu.get(reverse("petitions:cluster", args=[cluster.pk])).content.decode()
    assert "kiến nghị bạn thấy" in page
    assert HIDDEN not in page and SEEN in page
    detail = bithu.get(reverse("petitions:detail", args=[mine.pk])).content.decode()
    assert HIDDEN not in detail
    export = bithu.get(reverse("petitions:export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert HIDDEN not in export
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[1][rows[0].index("Cụm vấn đề chung")] == SEEN
    # the commune sees both petitions: the automatic title stays
    xa = login(cast.users["commune_staff"])
    assert HIDDEN in xa.get(reverse("petitions:cluster", args=[cluster.pk])).content.decode()
    assert services.cluster_titles(cast.users["commune_staff"], [cluster.pk]) == {
        cluster.pk: HIDDEN
    }


def test_a_title_written_by_a_router_is_shown_to_every_reader(cast, cluster):
    cluster, _mine = cluster
    services.confirm_cluster(cluster, title="Ô nhiễm bãi rác quanh chợ phường Một")
    assert services.cluster_titles(cast.users["secretary_a"], [cluster.pk]) == {
        cluster.pk: "Ô nhiễm bãi rác quanh chợ phường Một"
    }
    # confirmed unchanged, the title is still cell B's summary: not shown to cell A
    services.confirm_cluster(cluster, title=HIDDEN)
    assert services.cluster_titles(cast.users["secretary_a"], [cluster.pk]) == {cluster.pk: SEEN}
