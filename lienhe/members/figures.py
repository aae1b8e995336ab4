"""Member counts over organization subtrees, in a bounded number of queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Substr

from lienhe.orgs.models import Organization

from .models import Member

ACTIVE = Q(status__in=[Member.Status.ACTIVE, Member.Status.EXEMPTED])


def counts_by_child(parent: Organization) -> dict[str, dict[str, int]]:
    """{child_path: {members, working, cells}} for every child of `parent` (2 queries)."""
    width = (parent.depth + 1) * Organization.steplen
    members = (
        Member.objects.filter(
            ACTIVE, organization__path__startswith=parent.path, organization__depth__gt=parent.depth
        )
        .annotate(prefix=Substr("organization__path", 1, width))
        .values("prefix")
        .annotate(members=Count("id"), working=Count("id", filter=Q(is_working=True)))
    )
    cells = (
        Organization.objects.filter(
            path__startswith=parent.path,
            depth__gt=parent.depth,
            kind=Organization.Kind.CELL,
            is_active=True,
        )
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(cells=Count("id"))
        .order_by()
    )
    result: dict[str, dict[str, int]] = {}
    for row in members.order_by():
        result.setdefault(row["prefix"], {"members": 0, "working": 0, "cells": 0}).update(
            members=row["members"], working=row["working"]
        )
    for row in cells:
        result.setdefault(row["prefix"], {"members": 0, "working": 0, "cells": 0})["cells"] = row[
            "cells"
        ]
    return result


def subtree_totals(paths: list[str] | None) -> dict[str, int]:
    """Totals over the union of subtrees (None = everything). 2 queries."""
    org_q = Q()
    member_q = Q()
    if paths is not None:
        org_q = Q(pk__in=[])
        member_q = Q(pk__in=[])
        for path in paths:
            org_q |= Q(path__startswith=path)
            member_q |= Q(organization__path__startswith=path)
    m = (
        Member.objects.filter(member_q)
        .filter(ACTIVE)
        .aggregate(members=Count("id"), working=Count("id", filter=Q(is_working=True)))
    )
    o = Organization.objects.filter(org_q, is_active=True).aggregate(
        organizations=Count("id"), cells=Count("id", filter=Q(kind=Organization.Kind.CELL))
    )
    return {**m, **o}
