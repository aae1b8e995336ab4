"""The member's folded name (`Member.search_name`) copied onto the rows that lists
search and order by it: the letters and the residence comments carry it as
`member_search_name`, so a search by name reads their own table (and an index) instead
of the members it would join, most of the 100.000 for a common term (issue 21).

The copy is kept here, in one place: a new row takes its member's name on insert
(`fill_member_names`: the models' `save` and `bulk_create` through
`CarriesMemberName` and `MemberNameQuerySet`, the demo's bulk writes), a
rename copies it onto the member's rows in the same transaction (`copy_member_names`:
`Member.save`, the importer's bulk update). Models take part by declaring the field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.apps import apps
from django.db import models

FIELD = "member_search_name"
CHUNK = 2000


def member_name_field() -> models.CharField:
    """The copied field, declared the same way on every model carrying it."""
    return models.CharField(max_length=120, editable=False, default="")


def carriers() -> list[type[models.Model]]:
    """The models carrying a copy of their member's folded name."""
    return [
        model
        for model in apps.get_models()
        if any(f.name == FIELD for f in model._meta.concrete_fields)
    ]


def fill_member_names(objs: Sequence[models.Model]) -> None:
    """Before an insert: give each new row without one its member's folded name (from
    the member already loaded on it, else read in one query per CHUNK members)."""
    from .models import Member

    missing: dict[int, list[models.Model]] = {}
    for obj in objs:
        if getattr(obj, FIELD) or obj.member_id is None:
            continue
        member = obj._meta.get_field("member")
        if member.is_cached(obj):
            setattr(obj, FIELD, obj.member.search_name)
        else:
            missing.setdefault(obj.member_id, []).append(obj)
    ids = list(missing)
    for start in range(0, len(ids), CHUNK):
        names = Member._base_manager.filter(pk__in=ids[start : start + CHUNK]).values_list(
            "pk", "search_name"
        )
        for pk, name in names:
            for obj in missing[pk]:
                setattr(obj, FIELD, name)


def copy_member_names(member_ids: Iterable[int]) -> None:
    """After a rename: the members' current folded names (as stored) onto their rows,
    one UPDATE per carrying model."""
    from .models import Member

    ids = list(member_ids)
    name = models.Subquery(
        Member._base_manager.filter(pk=models.OuterRef("member_id")).values("search_name")[:1]
    )
    for model in carriers():
        for start in range(0, len(ids), CHUNK):
            rows = model._base_manager.filter(member_id__in=ids[start : start + CHUNK])
            rows.update(**{FIELD: name})


class MemberNameQuerySet(models.QuerySet):
    """The queryset of a model carrying the copy: bulk inserts fill it too."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_member_names(objs)
        return super().bulk_create(objs, *args, **kwargs)


class CarriesMemberName:
    """Mixin (before `models.Model`) of a model carrying the copy: a new row takes its
    member's folded name on save."""

    def save(self, *args, **kwargs):
        if self._state.adding:
            fill_member_names([self])
        super().save(*args, **kwargs)
