"""Petitions: clusters of the same issue (candidates, attach, confirm, remove)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy

from . import similarity
from .models import Cluster, Petition
from .services_base import E, PetitionError, _event, _locked, _save

# ----------------------------------------------------------------- clusters


def cluster_window_days(org: Organization, on: dt.date) -> int:
    return int(effective_policy(org, "petition_cluster_window_days", on))


def similar_candidates(petition: Petition, *, today: dt.date | None = None):
    """(pk, tokens, cluster_id) of petitions in the same category and time window."""
    today = today or petition.received_on
    since = today - dt.timedelta(days=cluster_window_days(petition.organization, today))
    return (
        Petition.objects.filter(category_id=petition.category_id, received_on__gte=since)
        .exclude(pk=petition.pk)
        .exclude(keep_apart=True)
        .exclude(outcome__in=(Petition.Outcome.SPLIT, Petition.Outcome.MERGED))
        .values_list("pk", "tokens", "cluster_id")
    )


@transaction.atomic
def attach_to_cluster(petition: Petition, *, actor=None) -> Cluster | None:
    """Put a new petition in the cluster of its most similar neighbour (creating the
    cluster when the neighbour had none). Returns the cluster or None."""
    if petition.keep_apart or not petition.tokens:
        return None
    rows = list(similar_candidates(petition))
    pk, score = similarity.best_match(petition.tokens, [(r[0], r[1]) for r in rows])
    if pk is None:
        return None
    cluster_id = next(r[2] for r in rows if r[0] == pk)
    if cluster_id is None:
        neighbour = Petition.objects.get(pk=pk)
        cluster = Cluster.objects.create(title=neighbour.summary, category_id=petition.category_id)
        Petition.objects.filter(pk=pk).update(cluster=cluster)
        _event(neighbour, E.CLUSTERED, actor, cluster=cluster.pk, score=round(score, 3))
    else:
        cluster = Cluster.objects.get(pk=cluster_id)
    Petition.objects.filter(pk=petition.pk).update(cluster=cluster)
    petition.cluster = cluster
    _event(petition, E.CLUSTERED, actor, cluster=cluster.pk, score=round(score, 3))
    _refresh_cluster(cluster.pk)
    return cluster


def _refresh_cluster(cluster_id: int | None) -> None:
    if not cluster_id:
        return
    live = Petition.objects.filter(cluster_id=cluster_id).exclude(
        outcome__in=(Petition.Outcome.SPLIT, Petition.Outcome.MERGED)
    )
    agg = live.aggregate(
        n=Count("id"), cells=Count("organization", distinct=True), people=Sum("people_count")
    )
    if agg["n"] <= 1:
        live.update(cluster=None)
        Cluster.objects.filter(pk=cluster_id).delete()
        return
    Cluster.objects.filter(pk=cluster_id).update(
        size=agg["n"], cells=agg["cells"], people=agg["people"] or 0, updated_at=timezone.now()
    )


@transaction.atomic
def confirm_cluster(cluster: Cluster, *, actor=None, title: str = "") -> Cluster:
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    cluster.confirmed_at = timezone.now()
    cluster.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    if title.strip():
        cluster.title = title.strip()[:255]
    cluster.save()
    log_action(cluster, "petitions.cluster.confirmed", actor=cluster.confirmed_by)
    return cluster


@transaction.atomic
def remove_from_cluster(petition: Petition, *, actor=None) -> Petition:
    """Staff say this one is a different issue: out of the cluster, and it stays out."""
    current = _locked(petition)
    if not current.cluster_id:
        raise PetitionError(_("Kiến nghị không thuộc cụm nào."))
    cluster_id = current.cluster_id
    current.cluster = None
    current.keep_apart = True
    _save(current, "cluster", "keep_apart")
    _event(current, E.UNCLUSTERED, actor, cluster=cluster_id)
    _refresh_cluster(cluster_id)
    return current
