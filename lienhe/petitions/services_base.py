"""Petitions: errors, attachment limits, locking, the timeline step and who to tell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lienhe.audit.services import log_action
from lienhe.concurrency import lock_checked
from lienhe.orgs.models import Organization
from lienhe.orgs.services import effective_policy
from lienhe.summaries import hooks as summary_hooks
from lienhe.text import fold

from .models import Category, Petition, PetitionEvent

S = Petition.State
E = PetitionEvent.Kind

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_ATTACHMENTS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF",),
    "application/msword": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK",),
}


class PetitionError(Exception):
    """A change the rules forbid; the message is for the user."""


class StaleEdit(PetitionError):
    pass


# ----------------------------------------------------------------- helpers


def _event(petition: Petition, kind: str, actor=None, note: str = "", **data: Any) -> None:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    PetitionEvent.objects.create(petition=petition, kind=kind, actor=actor, note=note, data=data)
    log_action(
        petition,
        f"petitions.petition.{kind}",
        actor=actor,
        organization_path=petition.organization.path,
        data={"note": note[:200], **data} if note else data,
    )


def _locked(petition: Petition, expected_version: int | None = None) -> Petition:
    return lock_checked(
        Petition.objects.select_related("organization", "agency", "category"),
        petition.pk,
        expected_version,
        StaleEdit(
            _(
                "Kiến nghị này vừa được người khác cập nhật. Hãy tải lại trang để xem bản "
                "mới nhất; những gì bạn vừa nhập vẫn còn trên biểu mẫu."
            )
        ),
        of_self=True,
    )


def _save(petition: Petition, *fields: str) -> None:
    petition.version += 1
    petition.save(update_fields=[*fields, "version", "updated_at", "search_text", "tokens"])
    summary_hooks.changed("petitions", [petition.organization_id])  # issue 21


def answer_days(org: Organization, on: dt.date) -> int:
    return int(effective_policy(org, "petition_answer_days", on))


def due_date(org: Organization, on: dt.date) -> dt.date:
    return on + dt.timedelta(days=answer_days(org, on))


def category_for(text: str) -> Category:
    """Map a free-text category (from minutes/visit forms) to the taxonomy."""
    folded = fold(text or "")
    categories = list(Category.objects.filter(is_active=True))
    for cat in categories:
        if folded and folded in (cat.code, fold(cat.name)):
            return cat
    for cat in categories:
        if folded and (folded in fold(cat.name) or fold(cat.name) in folded):
            return cat
    other = next((c for c in categories if c.code == "other"), None)
    if other is None:
        other, _created = Category.objects.get_or_create(
            code="other", defaults={"name": "Lĩnh vực khác", "order": 999}
        )
    return other


def _notify(users: Iterable, petition: Petition, title: str, key: str) -> int:
    from lienhe.notify.services import notify

    return notify(
        users,
        kind="petition",
        title=title,
        body=petition.summary,
        url=reverse("petitions:detail", args=[petition.pk]),
        dedupe_key=f"petition:{petition.pk}:{key}",
    )


def _cell_users(org: Organization):
    from lienhe.access.models import User

    return User.objects.filter(
        roles__organization=org, roles__role="cell_officer", is_active=True
    ).distinct()


def _source_users(petition: Petition) -> list:
    users = list(_cell_users(petition.organization))
    if petition.raised_by_user_id and petition.raised_by_user not in users:
        users.append(petition.raised_by_user)
    return users
