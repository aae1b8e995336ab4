"""The core of the liaison services: the typed errors, locking and saving a letter with
its audit row, the thread's system lines, who to tell and the proposed residence. `services` re-exports it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe.access.models import User
from lienhe.access.permissions import ROLE_PERMISSIONS
from lienhe.audit.services import log_action
from lienhe.concurrency import lock_checked
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks
from lienhe.text import fold

from .models import Introduction, ThreadMessage

State = Introduction.State
LETTER_KIND = "GGT"


class LiaisonError(Exception):
    """A liaison change the rules forbid; the message is for the user."""


class StaleEdit(LiaisonError):
    pass


def _today() -> dt.date:
    return timezone.localdate()


def _lock(intro: Introduction, expected_version: int | None = None) -> Introduction:
    return lock_checked(
        Introduction.objects.select_related("member", "workplace_org", "residence_org", "group"),
        intro.pk,
        expected_version,
        StaleEdit(
            _("Giấy này vừa được người khác cập nhật. Hãy tải lại trang để xem bản mới nhất.")
        ),
        of_self=True,
    )


def _save(
    intro: Introduction, action: str, actor, data: dict | None = None, *, also: tuple = ()
) -> Introduction:
    intro.version += 1
    intro.save()
    # Summaries (issue 21): the member's organization and the residence it goes to;
    # `also`: a residence the letter left in this write.
    summary_hooks.changed("letters", [intro.member.organization_id, intro.residence_org_id, *also])
    log_action(
        intro,
        f"liaison.letter.{action}",
        actor=actor,
        organization_path=intro.workplace_org.path,
        data={"member": intro.member_id, "state": intro.state, **(data or {})},
    )
    return intro


def system_event(intro: Introduction, event: str, body: str) -> ThreadMessage:
    """A system line in the two-way thread (letter issued, handed in, overdue, …)."""
    return ThreadMessage.objects.create(
        introduction=intro, side=ThreadMessage.Side.SYSTEM, event=event, body=body
    )


# --- who to tell -----------------------------------------------------------------


def officers_of(org: Organization, perm: str = "liaison:write", exact: bool = False) -> list[User]:
    """Users holding `perm` at the nearest level (org itself, else its ancestors;
    only the org itself when `exact`)."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if perm in perms]
    paths = [org.path] if exact else org.ancestor_paths()
    by_path: dict[str, list[User]] = {}
    qs = User.objects.filter(
        is_active=True, roles__role__in=roles, roles__organization__path__in=paths
    ).values_list("pk", "roles__organization__path")
    for pk, path in qs:
        by_path.setdefault(path, []).append(pk)
    for path in reversed(paths):
        if path in by_path:
            return list(User.objects.filter(pk__in=by_path[path]))
    return []


def member_user(member: Member) -> User | None:
    return User.objects.filter(member=member, is_active=True).first()


def _letter_url(intro: Introduction) -> str:
    return reverse("liaison:detail", args=[intro.pk])


# --- proposals ---------------------------------------------------------------------


def propose_residence(member: Member) -> Organization | None:
    """The residence organization for the member's home: the cell whose area name
    appears in the home address, else the commune base committee of the home unit."""
    if not member.home_unit_id:
        return None
    base = (
        Organization.objects.filter(
            admin_unit_id=member.home_unit_id,
            side=Organization.Side.RESIDENCE,
            kind=Organization.Kind.BASE,
            is_active=True,
        )
        .order_by("depth", "path")
        .first()
    )
    if base is None:
        return None
    address = fold(member.home_address or "")
    if address:
        best, best_len = None, 0
        cells = Organization.objects.filter(
            path__startswith=base.path, kind=Organization.Kind.CELL, is_active=True
        ).only("pk", "name", "path", "depth", "kind")
        for cell in cells:
            area = fold(cell.name.removeprefix("Chi bộ ").strip())
            if area and len(area) > best_len and _contains_word(address, area):
                best, best_len = cell, len(area)
        if best is not None:
            return best
    return base


def _contains_word(text: str, word: str) -> bool:
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        if (start == 0 or not text[start - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            return True
        start = text.find(word, start + 1)
    return False


def _check_residence_org(org: Organization) -> None:
    if org.side != Organization.Side.RESIDENCE or org.kind not in (
        Organization.Kind.CELL,
        Organization.Kind.BASE,
    ):
        raise LiaisonError(_("Nơi nhận phải là chi bộ hoặc đảng ủy xã, phường (khối nơi cư trú)."))
    if not org.is_active:
        raise LiaisonError(_("Tổ chức đảng nơi cư trú này đã giải thể hoặc hợp nhất."))
