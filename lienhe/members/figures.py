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
    """Totals over the union of subtrees (None = everything): members active or
    exempted, working among them, active organizations and cells. One query over the
    summary counters (issue 21, lienhe/summaries), not a scan of members."""
    from lienhe.summaries.services import totals

    c = totals(
        paths,
        [
            "members.active",
            "members.exempted",
            "members.active.working",
            "members.exempted.working",
            "orgs.active",
            "orgs.cells",
        ],
    )
    return {
        "members": c["members.active"] + c["members.exempted"],
        "working": c["members.active.working"] + c["members.exempted.working"],
        "organizations": c["orgs.active"],
        "cells": c["orgs.cells"],
    }
