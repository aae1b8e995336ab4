"""Full export of a subtree for data portability: one CSV per table the user may see
(every model with a `visible_to` queryset), zipped, logged in the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator

from django.apps import apps
from django.db import models
from django.utils import timezone

from lienhe.audit.services import log_action
from lienhe.documents.exports import safe_cell
from lienhe.orgs.models import Organization

SKIPPED_APPS = {"api", "audit", "notify"}  # tokens, import files, audit trail, inboxes
SECRET_WORDS = ("password", "token", "secret", "otp", "hash")


def exportable_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("lienhe.") or model._meta.app_label in SKIPPED_APPS:
            continue
        qs_class = type(model._default_manager.get_queryset())
        if hasattr(qs_class, "visible_to"):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def _subtree(qs, model, org: Organization):
    if hasattr(qs, "in_subtree"):
        return qs.in_subtree(org)
    for name in ("organization", "cell", "residence_cell", "workplace_org"):
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist
            continue
        if getattr(field, "related_model", None) is Organization:
            return qs.filter(**{f"{name}__path__startswith": org.path})
    return None  # cannot be placed in the tree: left out rather than over-shared


def _columns(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, models.BinaryField)
        and not any(word in f.name for word in SECRET_WORDS)
    ]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "1" if value else "0"
    return safe_cell(str(value))


def _rows(qs, fields) -> Iterator[list[str]]:
    names = [f.attname for f in fields]
    for values in qs.order_by("pk").values_list(*names).iterator(chunk_size=2000):
        yield [_cell(v) for v in values]


def _member_rows(user, qs, fields) -> Iterator[list[str]]:
    """Member rows through the one field-level rule (issue 15, finding 2): a column
    the user may not see for that member (a cross-tree liaison card) stays empty."""
    from lienhe.access.scoping import MEMBER_DOSSIER_ONLY_FIELDS, member_fields_at

    names = [f.attname for f in fields]
    guarded = [f.name in MEMBER_DOSSIER_ONLY_FIELDS for f in fields]
    rows = qs.order_by("pk").values_list("pk", "organization__path", *names)
    for pk, path, *values in rows.iterator(chunk_size=2000):
        shown = member_fields_at(user, pk, path)
        yield [
            _cell(v) if not hidden or name in shown else ""
            for v, hidden, name in zip(values, guarded, (f.name for f in fields), strict=True)
        ]


def build_zip(user, org: Organization, *, actor=None) -> tuple[bytes, dict[str, int]]:
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for model in exportable_models():
            qs = _subtree(model._default_manager.visible_to(user), model, org)
            if qs is None:
                continue
            fields = _columns(model)
            name = f"{model._meta.app_label}_{model._meta.model_name}.csv"
            text = io.StringIO()
            text.write("\ufeff")
            writer = csv.writer(text)
            writer.writerow([f.column for f in fields])
            writer.writerow([str(f.verbose_name) for f in fields])
            count = 0
            is_member = model._meta.label == "members.Member"
            rows = _member_rows(user, qs, fields) if is_member else _rows(qs, fields)
            for row in rows:
                writer.writerow(row)
                count += 1
            counts[name] = count
            zf.writestr(name, text.getvalue())
        stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        readme = [
            f"Xuất toàn bộ dữ liệu của {org.name} (mã {org.code}) lúc {stamp}.",
            f"Người xuất: {user.get_username()}. Chỉ gồm dữ liệu tài khoản này được xem.",
            "Mỗi tệp CSV (UTF-8) là một bảng: dòng 1 là tên cột, dòng 2 là nhãn tiếng Việt.",
            "Cột *_id là khóa tới bảng khác (ví dụ organization_id → orgs_organization.csv).",
            "",
            *[f"{n}: {c} dòng" for n, c in counts.items()],
        ]
        zf.writestr("DOC-TOI.txt", "\n".join(readme) + "\n")
    log_action(
        org,
        "api.full_export.downloaded",
        actor=actor,
        organization_path=org.path,
        data={"tables": counts},
    )
    return buffer.getvalue(), counts
