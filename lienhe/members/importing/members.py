"""Member rows: parse and check each row against the database (analyze_members), and
write the plan (_commit_members), calling the member hooks for changed homes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lienhe.orgs.models import Organization
from lienhe.summaries import hooks as summary_hooks
from lienhe.text import fold, nfc

from .. import hooks as member_hooks
from ..import_files import ImportFileError, Table, cell_text
from ..models import Member
from ..names import copy_member_names
from ..validators import (
    normalize_phone,
    validate_card_number,
    validate_citizen_id,
    validate_phone,
)
from .cells import (
    _digits,
    _formula_cells,
    _row_values,
    _show,
    _strip_export_prefixes,
    _validation_message,
    parse_bool,
    parse_date,
    parse_gender,
    parse_status,
)
from .columns import _COMPARED, LABELS, check_mapping
from .plan import CHUNK, Plan, Progress
from .rawsql import _fast_path_fits, _insert_members_fast

# --- members ---


class _OrgIndex:
    def __init__(self, root: Organization):
        self.by_code: dict[str, dict] = {}
        self.by_name: dict[str, list[dict]] = {}
        for org in Organization.objects.in_subtree(root).values(
            "id", "code", "name", "kind", "is_active", "path"
        ):
            self.by_code[org["code"].strip().upper()] = org
            self.by_name.setdefault(fold(org["name"]), []).append(org)
        self.names = {o["id"]: o["name"] for o in self.by_code.values()}

    def resolve(self, code: str, name: str) -> tuple[dict | None, str]:
        if code:
            org = self.by_code.get(code.strip().upper())
            if org is None:
                return None, _("không có tổ chức mã “%(v)s” trong phạm vi nhập") % {"v": code}
        else:
            found = self.by_name.get(fold(name), [])
            if not found:
                return None, _("không có tổ chức tên “%(v)s” trong phạm vi nhập") % {"v": name}
            if len(found) > 1:
                return None, _("có %(n)s tổ chức cùng tên “%(v)s”; hãy thêm cột Mã chi bộ") % {
                    "n": len(found),
                    "v": name,
                }
            org = found[0]
        if org["kind"] not in (Organization.Kind.CELL, Organization.Kind.BASE):
            return None, _("“%(v)s” không phải chi bộ hoặc đảng bộ cơ sở") % {"v": org["name"]}
        if not org["is_active"]:
            return None, _("“%(v)s” đã giải thể hoặc hợp nhất") % {"v": org["name"]}
        return org, ""


_MEMBER_VALUES = ("id", "card_number", *_COMPARED, "organization__path", "version")


def _parse_member_row(number: int, raw: dict[str, Any], plan: Plan, orgs: _OrgIndex):
    label = LABELS["members"]
    row: dict[str, Any] = {"_row": number}
    bad = False

    def fail(key: str, message: str) -> None:
        nonlocal bad
        bad = True
        plan.error(number, label.get(key, key), message)

    for key in _formula_cells(raw):
        fail(key, _("ô chứa công thức; hãy dán dạng giá trị (Paste Special → Values)"))
        raw[key] = None
    _strip_export_prefixes(raw)
    card = _digits(raw.get("card_number"))
    if not card:
        fail("card_number", _("thiếu số thẻ đảng viên"))
    else:
        try:
            validate_card_number(card)
        except ValidationError as exc:
            fail("card_number", _validation_message(exc))
    row["card_number"] = card
    if "full_name" in raw:
        name = re.sub(r"\s+", " ", nfc(cell_text(raw["full_name"])))
        if len(name) > 120:
            fail("full_name", _("họ và tên dài quá 120 ký tự"))
        row["full_name"] = name or None
    for key in ("birth_date", "joined_on", "official_on"):
        if key in raw:
            try:
                row[key] = parse_date(raw[key])
            except ValueError as exc:
                fail(key, str(exc))
    if "gender" in raw:
        try:
            row["gender"] = parse_gender(raw["gender"])
        except ValueError as exc:
            fail("gender", str(exc))
    if "citizen_id" in raw:
        cid = _digits(raw["citizen_id"], pad_to=12) or None
        if cid:
            try:
                validate_citizen_id(cid)
            except ValidationError as exc:
                fail("citizen_id", _validation_message(exc))
        row["citizen_id"] = cid
    if "phone" in raw:
        phone = raw["phone"]
        if isinstance(phone, int | float) and not isinstance(phone, bool):
            phone = "0" + _digits(phone) if len(_digits(phone)) == 9 else _digits(phone)
        phone = normalize_phone(cell_text(phone))
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                fail("phone", _validation_message(exc))
        row["phone"] = phone or None
    if "is_working" in raw:
        try:
            row["is_working"] = parse_bool(raw["is_working"])
        except ValueError as exc:
            fail("is_working", str(exc))
    if "status" in raw:
        try:
            row["status"] = parse_status(raw["status"])
        except ValueError as exc:
            fail("status", str(exc))
    for key, limit in (("ethnicity", 40), ("employer", 200), ("home_address", 255), ("email", 254)):
        if key in raw:
            text = nfc(cell_text(raw[key]))
            if len(text) > limit:
                fail(key, _("dài quá %(n)s ký tự") % {"n": limit})
            row[key] = text or None
    if row.get("email"):
        from django.core.validators import validate_email

        try:
            validate_email(row["email"])
        except ValidationError:
            fail("email", _("“%(v)s” không phải địa chỉ thư điện tử") % {"v": row["email"]})
    code = cell_text(raw.get("org_code"))
    org_name = cell_text(raw.get("org_name"))
    if code or org_name:
        org, message = orgs.resolve(code, org_name)
        if org is None:
            fail("org_code" if code else "org_name", message)
        else:
            row["organization_id"] = org["id"]
            row["_org_name"] = org["name"]
    today = timezone.localdate()
    birth, joined, official = row.get("birth_date"), row.get("joined_on"), row.get("official_on")
    if birth and not (dt.date(1900, 1, 1) <= birth <= today):
        fail("birth_date", _("ngày sinh %(d)s không hợp lý") % {"d": birth.strftime("%d/%m/%Y")})
    if joined and joined > today:
        fail("joined_on", _("ngày vào Đảng ở tương lai"))
    if birth and joined and joined <= birth:
        fail("joined_on", _("ngày vào Đảng phải sau ngày sinh"))
    if joined and official and official < joined:
        fail("official_on", _("ngày chính thức phải sau ngày vào Đảng"))
    row["_bad"] = bad
    return row


def analyze_members(
    table: Table,
    mapping: dict[str, str],
    root: Organization,
    *,
    progress: Progress | None = None,
    lock: bool = False,
) -> Plan:
    check_mapping(mapping, "members")
    columns = {int(i): key for i, key in mapping.items() if key}
    label = LABELS["members"]
    plan = Plan("members")
    orgs = _OrgIndex(root)
    rows: list[dict[str, Any]] = []
    seen_cards: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    for number, values in table.rows:
        plan.total += 1
        row = _parse_member_row(number, _row_values(values, columns), plan, orgs)
        if progress and plan.total % CHUNK == 0:
            progress(plan.total, _("Đang đọc và kiểm tra từng dòng"))
        card = row["card_number"]
        if row.pop("_bad"):
            seen_cards.setdefault(card, number)
            continue
        if card in seen_cards:
            plan.error(
                number,
                label["card_number"],
                _("số thẻ %(c)s trùng với dòng %(r)s") % {"c": card, "r": seen_cards[card]},
            )
            continue
        seen_cards[card] = number
        cid = row.get("citizen_id")
        if cid:
            if cid in seen_ids:
                plan.error(
                    number,
                    label["citizen_id"],
                    _("số CCCD %(c)s trùng với dòng %(r)s") % {"c": cid, "r": seen_ids[cid]},
                )
                continue
            seen_ids[cid] = number
        rows.append(row)
    if plan.total == 0:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    if progress:
        progress(plan.total, _("Đang đối chiếu với dữ liệu đã có"))

    existing: dict[str, dict] = {}
    cards = [r["card_number"] for r in rows]
    base = Member.objects.all()
    if lock and connection.features.has_select_for_update:
        base = base.select_for_update()
    for start in range(0, len(cards), CHUNK):
        for m in base.filter(card_number__in=cards[start : start + CHUNK]).values(*_MEMBER_VALUES):
            existing[m["card_number"]] = m
    id_owner: dict[str, str] = {}
    cids = [r["citizen_id"] for r in rows if r.get("citizen_id")]
    for start in range(0, len(cids), CHUNK):
        id_owner.update(
            Member.objects.filter(citizen_id__in=cids[start : start + CHUNK]).values_list(
                "citizen_id", "card_number"
            )
        )

    for row in rows:
        number, card = row["_row"], row["card_number"]
        cid = row.get("citizen_id")
        if cid and id_owner.get(cid, card) != card:
            plan.error(
                number,
                label["citizen_id"],
                _("số CCCD %(c)s đã thuộc một đảng viên khác trong hệ thống") % {"c": cid},
            )
            continue
        current = existing.get(card)
        if current is None:
            missing = [
                label[k]
                for k in ("full_name", "birth_date", "gender", "joined_on")
                if not row.get(k)
            ]
            if "organization_id" not in row:
                missing.append(label["org_name"])
            if missing:
                plan.error(
                    number,
                    missing[0],
                    _("đảng viên mới (số thẻ %(c)s) còn thiếu: %(f)s")
                    % {"c": card, "f": ", ".join(missing)},
                )
                continue
            plan.creates.append(row)
            continue
        if not current["organization__path"].startswith(root.path):
            plan.error(
                number,
                label["card_number"],
                _("số thẻ %(c)s đã có trong hệ thống, thuộc tổ chức ngoài phạm vi bạn nhập")
                % {"c": card},
            )
            continue
        changes: dict[str, list[str]] = {}
        fields: dict[str, Any] = {}
        for key in _COMPARED:
            new = row.get(key)
            if new is None:  # empty cell: keep what is stored
                continue
            old = current[key]
            if old != new:
                fields[key] = new
                if key == "organization_id":
                    changes["organization"] = [orgs.names.get(old, str(old)), row["_org_name"]]
                else:
                    changes[key] = [_show(old), _show(new)]
        if not fields:
            plan.unchanged += 1
            continue
        fields.update(
            {"_row": number, "_key": card, "_name": current["full_name"], "_v": current["version"]}
        )
        plan.updates.append((current["id"], fields, changes))
    return plan


def _commit_members(plan: Plan, *, actor, progress: Progress | None) -> None:
    now = timezone.now()
    if progress:
        progress(0, _("Đang ghi đảng viên mới"))
    if _fast_path_fits():
        _insert_members_fast(plan.creates, actor=actor, now=now)
    else:
        objs = []
        for row in plan.creates:
            fields = {k: v for k, v in row.items() if not k.startswith("_") and v is not None}
            fields.setdefault("ethnicity", "Kinh")
            member = Member(**fields)
            member.full_name = nfc(member.full_name).strip()
            member.search_name = fold(member.full_name)
            member.created_at = member.updated_at = now
            objs.append(member)
        bulk_create_with_history(objs, Member, batch_size=CHUNK, default_user=actor)
    touched: set[str] = set()
    # Organizations whose summaries the file changes (before and after the rows).
    orgs: set[int] = {_org_id(row) for row in plan.creates}
    updated = []
    old_homes = []  # (home before, member) for the hook of modules following moves
    names = {}  # the folded names before the file, to copy only the renamed ones
    by_pk = {pk: fields for pk, fields, _c in plan.updates}
    pks = list(by_pk)
    for start in range(0, len(pks), CHUNK):
        for member in Member.objects.filter(pk__in=pks[start : start + CHUNK]):
            fields = by_pk[member.pk]
            orgs.add(member.organization_id)
            old_homes.append((member_hooks.home_of(member), member))
            names[member.pk] = member.search_name
            for key, value in fields.items():
                if key.startswith("_"):
                    continue
                setattr(member, key, value)
                touched.add(key)
            member.search_name = fold(member.full_name)
            member.version = fields["_v"] + 1
            member.updated_at = now
            orgs.add(member.organization_id)
            updated.append(member)
    if updated:
        if progress:
            progress(len(plan.creates), _("Đang cập nhật hồ sơ đã có"))
        bulk_update_with_history(
            updated,
            Member,
            fields=sorted(touched | {"search_name", "version", "updated_at"}),
            batch_size=CHUNK // 2,
            default_user=actor,
        )
        # the same hook the member form calls (bulk writes send no signal)
        member_hooks.home_changed(member_hooks.home_changes(old_homes), actor=actor)
        if "full_name" in touched:
            # The renamed members' letters and comments carry a copy of the folded name,
            # as Member.save keeps it (issue 21).
            copy_member_names([m.pk for m in updated if m.search_name != names[m.pk]])
    # Summaries (issue 21): one recount per touched organization, not one per row.
    summary_hooks.members_changed(orgs)


def _org_id(row: dict) -> int | None:
    org = row.get("organization")
    return getattr(org, "pk", None) or row.get("organization_id")
