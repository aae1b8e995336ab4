"""Clustering quality on a labelled set of Vietnamese petitions (precision and
recall over pairs), and that clustering a new petition stays fast."""

import itertools
import time

import pytest

from lienhe.petitions import services, similarity
from lienhe.petitions.models import Category, Petition

from .labelled import PETITIONS


def _pairs(labels):
    same = set()
    for (i, a), (j, b) in itertools.combinations(enumerate(labels), 2):
        if a == b and a != "-":
            same.add((i, j))
    return same


def _report(name, predicted, truth):
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    print(f"\n{name}: precision {precision:.2f}, recall {recall:.2f} ({tp}/{len(truth)} pairs)")
    return precision, recall


def test_labelled_set_is_big_enough():
    assert len(PETITIONS) >= 60


def test_pairwise_similarity_quality():
    labels = [label for label, _c, _s in PETITIONS]
    feats = [similarity.features(similarity.signature(s)) for _l, _c, s in PETITIONS]
    cats = [c for _l, c, _s in PETITIONS]
    predicted = {
        (i, j)
        for i, j in itertools.combinations(range(len(PETITIONS)), 2)
        if cats[i] == cats[j] and similarity.similarity(feats[i], feats[j]) >= similarity.THRESHOLD
    }
    precision, recall = _report("pairwise", predicted, _pairs(labels))
    assert precision >= 0.9
    assert recall >= 0.6


@pytest.mark.django_db
def test_clusters_built_on_capture_match_the_labels(cast):
    cells = [cast.cell_a, cast.cell_b, cast.other_cell]
    created = []
    for i, (label, code, summary) in enumerate(PETITIONS):
        p = services.create_petition(
            organization=cells[i % 3],
            summary=summary,
            category=Category.objects.get(code=code),
            source_type=Petition.Source.STAFF,
        )
        created.append((label, p.pk))
    cluster_of = dict(Petition.objects.values_list("pk", "cluster_id"))
    ids = [cluster_of[pk] for _l, pk in created]
    predicted = {
        (i, j)
        for i, j in itertools.combinations(range(len(ids)), 2)
        if ids[i] is not None and ids[i] == ids[j]
    }
    precision, recall = _report("clusters", predicted, _pairs([lb for lb, _pk in created]))
    assert precision >= 0.9
    assert recall >= 0.6


@pytest.mark.django_db
def test_clustering_a_new_petition_stays_fast_with_many_existing(cast):
    """5,000 petitions in one category within the window (a province-year of 50,000
    petitions over ten categories): attaching one more takes well under a second."""
    cat = Category.objects.get(code="infrastructure")
    words = ["đường", "cầu", "cống", "mương", "đèn", "trạm", "bơm", "kè", "đập", "ngầm"]
    places = [f"thôn {n}" for n in range(1, 60)]
    rows = []
    for i in range(5000):
        text = f"{words[i % 10]} {places[i % 59]} hỏng số {i}"
        rows.append(
            Petition(
                organization=cast.cell_a,
                summary=text,
                category=cat,
                source_type="staff",
                tokens=similarity.signature(text),
                search_text=text,
            )
        )
    Petition.objects.bulk_create(rows, batch_size=1000)
    start = time.perf_counter()
    services.create_petition(
        organization=cast.cell_b,
        summary="Cống thôn 7 hỏng nặng",
        category=cat,
        source_type="staff",
    )
    elapsed = time.perf_counter() - start
    print(f"\nclustering against 5,000 candidates: {elapsed * 1000:.0f} ms")
    assert elapsed < 1.5
