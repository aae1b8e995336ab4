"""Organization-tree rows: parse and check (analyze_orgs) and write (_commit_orgs)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lienhe.orgs.models import Organization
from lienhe.text import fold, nfc

from ..import_files import ImportFileError, Table, cell_text
from .cells import _formula_cells, _row_values, _show, _strip_export_prefixes
from .columns import LABELS, check_mapping
from .plan import CHUNK, Plan, Progress

# --- organizations ---

_KINDS = {fold(str(label)): value for value, label in Organization.Kind.choices}
_KINDS.update({value: value for value in Organization.Kind.values})
_KINDS.update(
    {
        "chi bo": "cell",
        "chi bo co so": "base",
        "dang bo co so": "base",
        "dang bo bo phan": "base",
        "to dang": "group",
        "dang bo tinh": "province",
        "dang bo thanh pho": "province",
        "dang bo huyen": "district",
        "dang bo cap huyen": "district",
    }
)
_SIDES = {fold(str(label)): value for value, label in Organization.Side.choices}
_SIDES.update({value: value for value in Organization.Side.values})
_SIDES.update(
    {
        "khu dan cu": "residence",
        "dan cu": "residence",
        "co quan": "workplace",
        "doanh nghiep": "workplace",
        "cong tac": "workplace",
    }
)


def analyze_orgs(
    table: Table,
    mapping: dict[str, str],
    root: Organization,
    *,
    progress: Progress | None = None,
    lock: bool = False,
) -> Plan:
    check_mapping(mapping, "orgs")
    columns = {int(i): key for i, key in mapping.items() if key}
    label = LABELS["orgs"]
    plan = Plan("orgs")
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        plan.total += 1
        raw = _row_values(values, columns)
        bad = False
        for key in _formula_cells(raw):
            plan.error(number, label[key], _("ô chứa công thức; hãy dán dạng giá trị"))
            bad = True
        _strip_export_prefixes(raw)
        code = cell_text(raw.get("code")).upper()
        row: dict[str, Any] = {"_row": number, "code": code}
        if not code or len(code) > 40:
            plan.error(number, label["code"], _("mã tổ chức trống hoặc dài quá 40 ký tự"))
            bad = True
        elif code in seen:
            plan.error(
                number,
                label["code"],
                _("mã %(c)s trùng với dòng %(r)s") % {"c": code, "r": seen[code]},
            )
            bad = True
        seen.setdefault(code, number)
        row["name"] = nfc(cell_text(raw.get("name")))[:200] or None
        row["parent_code"] = cell_text(raw.get("parent_code")).upper() or None
        if "kind" in raw and cell_text(raw["kind"]):
            kind = _KINDS.get(fold(cell_text(raw["kind"])))
            if kind is None:
                plan.error(
                    number,
                    label["kind"],
                    _("“%(v)s” không phải loại tổ chức (Chi bộ, Đảng bộ cơ sở, Tổ đảng…)")
                    % {"v": cell_text(raw["kind"])},
                )
                bad = True
            row["kind"] = kind
        if "side" in raw and cell_text(raw["side"]):
            row["side"] = _SIDES.get(fold(cell_text(raw["side"])), "other")
        if "address" in raw:
            row["address"] = nfc(cell_text(raw["address"]))[:255] or None
        if "meeting_day" in raw and cell_text(raw["meeting_day"]):
            text = cell_text(raw["meeting_day"])
            if not text.isdigit() or not 1 <= int(text) <= 31:
                plan.error(number, label["meeting_day"], _("ngày sinh hoạt phải từ 1 đến 31"))
                bad = True
            else:
                row["meeting_day"] = int(text)
        if not bad:
            rows.append(row)
    if plan.total == 0:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    if progress:
        progress(plan.total, _("Đang đối chiếu với cây tổ chức"))
    codes = [r["code"] for r in rows] + [r["parent_code"] for r in rows if r["parent_code"]]
    existing = {}
    for start in range(0, len(codes), CHUNK):
        for org in Organization.objects.filter(code__in=codes[start : start + CHUNK]):
            existing[org.code.upper()] = org
    in_file = {r["code"]: r for r in rows}
    for row in rows:
        number, code = row["_row"], row["code"]
        current = existing.get(code)
        if current is not None:
            if not current.path.startswith(root.path):
                plan.error(
                    number,
                    label["code"],
                    _("mã %(c)s thuộc tổ chức ngoài phạm vi nhập") % {"c": code},
                )
                continue
            parent = row["parent_code"]
            if parent and current.pk != root.pk:
                actual = current.path[: -Organization.steplen]
                parent_org = existing.get(parent)
                if parent_org is None or parent_org.path != actual:
                    plan.error(
                        number,
                        label["parent_code"],
                        _(
                            "không đổi cấp trên qua nhập tệp; hãy dùng chức năng Chuyển tổ "
                            "chức trên trang cây tổ chức"
                        ),
                    )
                    continue
            fields, changes = {}, {}
            for key in ("name", "kind", "side", "address", "meeting_day"):
                if row.get(key) is not None and getattr(current, key) != row[key]:
                    fields[key] = row[key]
                    changes[key] = [_show(getattr(current, key)), _show(row[key])]
            if fields:
                fields.update({"_row": number, "_key": code, "_name": current.name})
                plan.updates.append((current.pk, fields, changes))
            else:
                plan.unchanged += 1
            continue
        missing = [label[k] for k in ("name", "kind") if not row.get(k)]
        if missing:
            plan.error(
                number,
                missing[0],
                _("tổ chức mới %(c)s còn thiếu: %(f)s") % {"c": code, "f": ", ".join(missing)},
            )
            continue
        parent = row["parent_code"] or root.code.upper()
        if parent not in existing and parent not in in_file and parent != root.code.upper():
            plan.error(
                number,
                label["parent_code"],
                _("không tìm thấy tổ chức cấp trên mã “%(c)s”") % {"c": parent},
            )
            continue
        parent_org = existing.get(parent) or (root if parent == root.code.upper() else None)
        if parent_org is not None and not parent_org.path.startswith(root.path):
            plan.error(
                number, label["parent_code"], _("cấp trên %(c)s ngoài phạm vi nhập") % {"c": parent}
            )
            continue
        parent_kind = parent_org.kind if parent_org else in_file[parent].get("kind")
        if parent_kind == "group" or (parent_kind == "cell" and row["kind"] != "group"):
            plan.error(
                number,
                label["kind"],
                _("dưới chi bộ chỉ có tổ đảng; dưới tổ đảng không có tổ chức nào"),
            )
            continue
        row["parent_code"] = parent
        row["_org_name"] = ""
        plan.creates.append(row)
    # parents created in the same file must themselves be valid creates
    creatable = {r["code"] for r in plan.creates} | set(existing) | {root.code.upper()}
    for row in list(plan.creates):
        if row["parent_code"] not in creatable:
            plan.error(
                row["_row"],
                label["parent_code"],
                _("cấp trên %(c)s có lỗi ở dòng khác") % {"c": row["parent_code"]},
            )
            plan.creates.remove(row)
    return plan


def _commit_orgs(plan: Plan, root: Organization, *, actor, progress: Progress | None) -> None:
    from lienhe.orgs import services as org_services

    by_code: dict[str, Organization] = {
        o.code.upper(): o for o in Organization.objects.in_subtree(root)
    }
    pending = list(plan.creates)
    done = 0
    while pending:
        ready = [r for r in pending if r["parent_code"] in by_code]
        if not ready:
            raise ImportFileError(_("Cây tổ chức trong tệp có vòng lặp cấp trên."))
        for row in ready:
            fields = {
                k: v
                for k, v in row.items()
                if k in ("code", "name", "kind", "side", "address", "meeting_day") and v is not None
            }
            fields["code"] = row["code"]
            org = org_services.create_organization(
                parent=by_code[row["parent_code"]], actor=actor, **fields
            )
            by_code[org.code.upper()] = org
            pending.remove(row)
            done += 1
            if progress and done % 200 == 0:
                progress(done, _("Đang tạo tổ chức"))
    for pk, fields, _changes in plan.updates:
        org = Organization.objects.get(pk=pk)
        values = {k: v for k, v in fields.items() if not k.startswith("_")}
        org_services.update_organization(org, expected_version=org.version, actor=actor, **values)
