"""Read-only contract other modules use (meetings, reviews, reports). Each function
runs a bounded number of queries whatever the number of members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from lienhe.access.scoping import paths_with, scope_organizations
from lienhe.orgs.models import Organization
from lienhe.prepared import prepared

from .models import AwayPeriod, DestinationComment, Exemption, ExemptionApplication, Transfer


@dataclass(frozen=True)
class AwayStatus:
    member_id: int
    away_id: int
    destination: str
    employer: str
    start_on: dt.date
    expected_end_on: dt.date | None
    last_contact_on: dt.date | None
    exempted: bool


# What an away report (fees, arrears, figures) can be about: any organization but a group.
REPORT_KINDS = tuple(k for k in Organization.Kind.values if k != Organization.Kind.GROUP)


def scope_orgs(user, perm: str = "away:read") -> QuerySet[Organization]:
    """Organizations (cells and above) the user can pick in filters (web and API)."""
    return (
        Organization.objects.visible_to(user)
        .filter(is_active=True, depth__lte=4)
        .exclude(kind=Organization.Kind.GROUP)
        .order_by("path")
    )


def scope_root(user) -> Organization | None:
    """The top of the user's away:read scope (the first province for a superuser)."""
    paths = paths_with(user, "away:read")
    if not paths:
        return Organization.objects.filter(depth=1).order_by("path").first()
    return scope_organizations(user, "away:read")[0]


def _exemptions_in_force(on: dt.date):
    # Revoking an exemption moves its end_on to the revocation day, so the dates alone
    # say whether it was in force on `on`.
    return Exemption.objects.filter(start_on__lte=on, end_on__gte=on)


def away_status(member_ids: Iterable[int], on: dt.date) -> dict[int, AwayStatus]:
    """member id -> the away period in force on `on` (only members who are away).
    Two queries."""
    ids = list(member_ids)
    if not ids:
        return {}
    exempted = set(
        _exemptions_in_force(on).filter(member_id__in=ids).values_list("member_id", flat=True)
    )
    rows = (
        AwayPeriod.objects.current(on)
        .filter(member_id__in=ids)
        .select_related("destination_unit")
        .order_by("member_id", "-start_on")
    )
    result: dict[int, AwayStatus] = {}
    for a in rows:
        if a.member_id in result:
            continue
        result[a.member_id] = AwayStatus(
            member_id=a.member_id,
            away_id=a.pk,
            destination=a.destination_label,
            employer=a.employer,
            start_on=a.start_on,
            expected_end_on=a.expected_end_on,
            last_contact_on=a.last_contact_on,
            exempted=a.member_id in exempted,
        )
    return result


def exempted_member_ids(org_subtree_path: str, on: dt.date) -> set[int]:
    """Members (whose cell is in the subtree) with a temporary exemption decision in
    force on `on`: excluded from attendance duties that day, counted separately.
    One query."""
    return set(
        _exemptions_in_force(on)
        .filter(member__organization__path__startswith=org_subtree_path)
        .values_list("member_id", flat=True)
    )


def away_member_ids(org_subtree_path: str, on: dt.date) -> set[int]:
    """Members of the subtree who are away (approved, not returned) on `on`. One query."""
    return set(
        AwayPeriod.objects.current(on)
        .filter(member__organization__path__startswith=org_subtree_path)
        .values_list("member_id", flat=True)
    )


def destination_comments(member_ids: Iterable[int], year: int) -> dict[int, DestinationComment]:
    """member id -> the destination authority's year-end comment (for the review).
    One query."""
    ids = list(member_ids)
    rows = (
        DestinationComment.objects.filter(away__member_id__in=ids, year=year)
        .exclude(Q(text="") | Q(received_on__isnull=True))
        .select_related("away")
        .order_by("received_on")
    )
    return {c.away.member_id: c for c in rows}


def contact_counts(org: Organization, on: dt.date) -> dict[str, int]:
    """THE definition of the catalogue figure `away_in_contact` (issue 16): away
    periods of the subtree in force on `on` (`AwayPeriod.objects.current`), those not
    contacted within Policy `away_contact_interval_days` (`contact_overdue`), and the
    difference, in contact. One query."""
    from django.db.models import Count

    from lienhe.orgs.services import effective_policy

    interval = int(effective_policy(org, "away_contact_interval_days", on))
    overdue_ids = AwayPeriod.objects.contact_overdue(on, interval).values("pk")
    counts = (
        AwayPeriod.objects.current(on)
        .filter(organization__path__startswith=org.path)
        .aggregate(away=Count("id"), overdue=Count("id", filter=Q(pk__in=overdue_ids)))
    )
    counts["in_contact"] = counts["away"] - counts["overdue"]
    counts["interval"] = interval
    return counts


def records_present(member_id: int) -> dict[str, bool]:
    """Which of a member's away records exist, in one query: {"has_periods",
    "has_applications" (open ones), "has_exemptions", "has_transfers"}. The dossier
    reads only the lists present (issue 21: most members have none, each was a query)."""
    (row,) = _records_present(member_id)
    return row


@prepared
def _records_present(member_id: int) -> QuerySet:
    from lienhe.members.models import Member

    of_member = {"member": OuterRef("pk")}
    return (
        Member.objects.filter(pk=member_id)
        .values(
            has_periods=Exists(AwayPeriod.objects.filter(**of_member)),
            has_applications=Exists(
                ExemptionApplication.objects.filter(
                    **of_member, status__in=ExemptionApplication.OPEN
                )
            ),
            has_exemptions=Exists(Exemption.objects.filter(**of_member)),
            has_transfers=Exists(Transfer.objects.filter(**of_member)),
        )
        .order_by()
    )
