"""Tamper-evident records.

Modules seal a record when it becomes final (a letter issued, a comment sent, a
review finalised) and register how to rebuild its content from the live row:

    from lienhe.audit.sealing import register_sealed, seal

    def letter_content(letter) -> dict:
        return {"number": letter.number, "member": letter.member_id, "body": letter.body}

    register_sealed("liaison.letter", letter_content)          # in apps.ready()
    seal(letter, letter_content(letter), organization=org, year=2026, actor=user)

`python manage.py verify_records` recomputes every sealed record's hash from the
current row and re-walks every chain; anything changed outside the application
(raw SQL, a restored old backup, a hand-edited seal) is reported."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction

from .models import RecordSeal

GENESIS = "0" * 64
_builders: dict[str, Callable[[Any], dict]] = {}


def register_sealed(label: str, builder: Callable[[Any], dict]) -> None:
    """`label` is the model's `app_label.modelname` (lower case)."""
    _builders[label.lower()] = builder


def registered() -> dict[str, Callable[[Any], dict]]:
    return dict(_builders)


def _default(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot seal value of type {type(value).__name__}")


def content_hash(content: dict) -> str:
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def link_hash(seal: RecordSeal) -> str:
    material = "|".join(
        [
            seal.previous_hash,
            seal.content_hash,
            seal.object_type,
            seal.object_id,
            seal.organization_path,
            str(seal.year),
            str(seal.sequence),
        ]
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _org_path(organization) -> str:
    return organization if isinstance(organization, str) else organization.path


@transaction.atomic
def seal(
    obj: models.Model, content: dict | None = None, *, organization, year: int, actor=None
) -> RecordSeal:
    """Append `obj` to the chain of (organization, year). Call inside the transaction
    that finalises the record. Sealing again after a legitimate change through the
    application appends a new link; verification uses the latest link per record."""
    label = obj._meta.label_lower
    if content is None:
        if label not in _builders:
            raise LookupError(f"{label} has no registered content builder")
        content = _builders[label](obj)
    path = _org_path(organization)
    last = (
        RecordSeal.objects.select_for_update()
        .filter(organization_path=path, year=year)
        .order_by("-sequence")
        .first()
    )
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    record = RecordSeal(
        object_type=label,
        object_id=str(obj.pk),
        organization_path=path,
        year=year,
        sequence=(last.sequence + 1) if last else 1,
        content_hash=content_hash(content),
        previous_hash=last.chain_hash if last else GENESIS,
        sealed_by=actor,
    )
    record.chain_hash = link_hash(record)
    record.save()
    return record


def latest_seal(obj: models.Model) -> RecordSeal | None:
    return (
        RecordSeal.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-sealed_at", "-id")
        .first()
    )


@dataclass
class Problem:
    kind: str  # "changed" | "missing" | "chain" | "unregistered"
    object_type: str
    object_id: str
    organization_path: str
    year: int
    detail: str

    def __str__(self) -> str:
        return (
            f"[{self.kind}] {self.object_type}#{self.object_id} "
            f"({self.organization_path}, {self.year}): {self.detail}"
        )


def verify_chains(chunk: int = 2000) -> Iterator[Problem]:
    previous_key = None
    expected_previous = GENESIS
    expected_sequence = 1
    fields = [
        "object_type",
        "object_id",
        "organization_path",
        "year",
        "sequence",
        "content_hash",
        "previous_hash",
        "chain_hash",
    ]
    qs = RecordSeal.objects.order_by("organization_path", "year", "sequence").only("id", *fields)
    for record in qs.iterator(chunk_size=chunk):
        key = (record.organization_path, record.year)
        if key != previous_key:
            previous_key, expected_previous, expected_sequence = key, GENESIS, 1

        def problem(detail: str, record=record) -> Problem:
            return Problem(
                "chain",
                record.object_type,
                record.object_id,
                record.organization_path,
                record.year,
                detail,
            )

        if record.sequence != expected_sequence:
            yield problem(f"thiếu mắt xích: mong đợi số {expected_sequence}, gặp {record.sequence}")
        if record.previous_hash != expected_previous:
            yield problem(f"mắt xích số {record.sequence} không nối với mắt xích trước")
        if link_hash(record) != record.chain_hash:
            yield problem(f"mắt xích số {record.sequence} đã bị sửa")
        expected_previous = record.chain_hash
        expected_sequence = record.sequence + 1


def verify_contents(chunk: int = 500) -> Iterator[Problem]:
    """Latest seal per record vs. the live row."""
    latest: dict[tuple[str, str], RecordSeal] = {}
    for record in RecordSeal.objects.order_by("id").iterator(chunk_size=5000):
        latest[(record.object_type, record.object_id)] = record
    by_type: dict[str, list[RecordSeal]] = {}
    for (label, _oid), record in latest.items():
        by_type.setdefault(label, []).append(record)
    for label, records in sorted(by_type.items()):
        builder = _builders.get(label)
        if builder is None:
            for r in records:
                yield Problem(
                    "unregistered",
                    label,
                    r.object_id,
                    r.organization_path,
                    r.year,
                    "không có hàm dựng nội dung cho loại hồ sơ này",
                )
            continue
        model = apps.get_model(label)
        pk_field = model._meta.pk
        for start in range(0, len(records), chunk):
            batch = records[start : start + chunk]
            rows = model._base_manager.in_bulk([pk_field.to_python(r.object_id) for r in batch])
            for r in batch:
                row = rows.get(pk_field.to_python(r.object_id))
                if row is None:
                    yield Problem(
                        "missing",
                        label,
                        r.object_id,
                        r.organization_path,
                        r.year,
                        "hồ sơ đã niêm phong không còn trong cơ sở dữ liệu",
                    )
                elif content_hash(builder(row)) != r.content_hash:
                    yield Problem(
                        "changed",
                        label,
                        r.object_id,
                        r.organization_path,
                        r.year,
                        f"nội dung khác với lúc niêm phong ({r.sealed_at:%d/%m/%Y %H:%M})",
                    )


def chain_heads() -> list[dict]:
    """Last link of every chain: print/keep these off-site so a truncated chain
    (last links deleted) is also detectable."""
    heads = {}
    for r in RecordSeal.objects.order_by("organization_path", "year", "sequence").iterator():
        heads[(r.organization_path, r.year)] = r
    return [
        {
            "organization_path": r.organization_path,
            "year": r.year,
            "sequence": r.sequence,
            "chain_hash": r.chain_hash,
        }
        for r in heads.values()
    ]
