"""Fast bulk writes for the demo builders (issue 21: `seed_demo --members 100000`
under two minutes on two cores).

`bulk_create(objs)` is `Model.objects.bulk_create` with the same result — every
object gets its primary key, auto_now fields are filled, no signal, no history row —
but on PostgreSQL the rows go through `COPY` (psycopg 3 `cursor.copy()`), with the
ids drawn from the table's sequence in one query. The ORM path builds one huge
`INSERT … VALUES` per batch and psycopg splits its placeholders in Python: the
profile of a 100.000-member seed showed more time there than in the database.
On SQLite it simply calls the ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter

from django.db import connection, models

from lienhe.members.names import carriers, fill_member_names

# Fields whose database value is the attribute itself for psycopg (`pre_save` and
# `get_db_prep_save` return it unchanged, or a value psycopg writes identically).
PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.CharField,
    models.TextField,
    models.SlugField,
    models.EmailField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.OneToOneField,
)


def _converter(field: models.Field) -> Callable[[models.Model], object]:
    """obj -> the field's database value. Plain fields and dates already of the right
    type (a date, an aware datetime) are read as they are; anything else goes through
    Django's `pre_save` + `get_db_prep_save` (auto_now, naive datetimes, JSON…)."""
    name = field.attname

    def generic(obj):
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return generic
    if type(field) in PLAIN_FIELDS:
        return attrgetter(name)
    if type(field) is models.DateField:

        def date_value(obj):
            value = getattr(obj, name)
            return value if value is None or type(value) is dt.date else generic(obj)

        return date_value
    if type(field) is models.DateTimeField:

        def datetime_value(obj):
            value = getattr(obj, name)
            if value is None or (type(value) is dt.datetime and value.tzinfo is not None):
                return value
            return generic(obj)

        return datetime_value
    return generic


def _row_maker(fields: list[models.Field]) -> Callable[[models.Model], Sequence]:
    """obj -> its row of database values. The profile of the seed spent most of its
    client time in per-field prep calls: plain fields are now read in one
    `attrgetter` call when the whole model is plain."""
    if all(type(f) in PLAIN_FIELDS for f in fields) and len(fields) > 1:
        return attrgetter(*(f.attname for f in fields))
    converters = [_converter(f) for f in fields]
    return lambda obj: [convert(obj) for convert in converters]


def bulk_create(objs: Sequence[models.Model], batch_size: int = 2000) -> Sequence[models.Model]:
    if not objs:
        return objs
    model = type(objs[0])
    if model in carriers():
        fill_member_names(objs)  # the rows searched by their member's name (issue 21)
    if connection.vendor != "postgresql":
        return model._base_manager.bulk_create(objs, batch_size=batch_size)
    opts = model._meta
    pk = opts.pk
    missing = [o for o in objs if o.pk is None]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, pk.column, len(missing)],
            )
            for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
                obj.pk = value
    fields = list(opts.concrete_fields)
    copy_rows(opts.db_table, [f.column for f in fields], map(_row_maker(fields), objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY plain tuples into `table` (PostgreSQL only); columns not given take the
    column's database default (e.g. the id from its sequence)."""
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@contextmanager
def indexes_built_after(*models_: type[models.Model]) -> Iterator[None]:
    """Load a big table first and build its secondary indexes once afterwards
    (PostgreSQL; elsewhere a no-op). Every index that does not back a constraint
    (primary key, unique, exclusion) is dropped and re-created from its own
    `pg_get_indexdef` — the same definitions the migrations made — inside the
    seed's transaction, so a failure rolls the drop back too. One sorted build per
    index is several times cheaper than maintaining 12 indexes (one of them a
    trigram GIN) row by row during a 100.000-row COPY. Only for loads that read
    nothing back from these tables until the block ends."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT quote_ident(ic.relname), pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.oid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in definitions:
            cursor.execute(definition)
