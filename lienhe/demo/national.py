"""A national data set for scale measurements: several provinces, up to a million
members and a year of activity in every module (`seed_demo --national`).

Rows are generated as tuples with ids chosen here and written with PostgreSQL `COPY`
(psycopg 3 `cursor.copy()`); on SQLite the same rows go through `executemany`, so the
builder and its tests run on both databases. Columns not given get the model field's
default once per table, so every NOT NULL column is filled the way the ORM would.
Invariants kept: treebeard paths (TreeBuilder), folded search columns (`fold`), one
open letter per member, one regular meeting per cell and month, attendance only for
members of the meeting's cell, meeting counters equal to their attendance rows."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import time
from collections.abc import Iterable, Iterator, Sequence

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from lienhe.members.models import Member
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.reports.summaries import rebuild_all
from lienhe.text import fold

from .context import DemoContext
from .province import TreeBuilder, _dates, _person, _weighted, add_agency_bases, add_commune

RESIDENCE_CELL_SIZE = 35
WORKPLACE_CELL_SIZE = 30
WORKPLACE_BASE_SIZE = 300
WORKING_SHARE = 0.30
MEMBERS_PER_PROVINCE = 125_000  # 1M members -> 8 provinces


def province_count(members: int) -> int:
    return max(2, min(10, round(members / MEMBERS_PER_PROVINCE)))


class RowWriter:
    """Writes tuples into a model's table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, progress=None, rebuild_indexes_from: int = 100_000):
        self.progress = progress or (lambda label, done, total: None)
        self.rebuild_indexes_from = rebuild_indexes_from
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.skip_fk_checks = connection.vendor == "postgresql" and _is_superuser()
        self.next_ids: dict[type, int] = {}

    def next_id(self, model: type[models.Model]) -> int:
        if model not in self.next_ids:
            top = model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self.next_ids[model] = top + 1
        value = self.next_ids[model]
        self.next_ids[model] = value + 1
        return value

    def write(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[tuple],
        label: str = "",
        total: int = 0,
    ) -> int:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        if model not in self.next_ids:  # no query may run while a COPY is open
            self.next_ids[model] = (model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        given = list(columns)
        missing = [a for a in fields if a not in given]
        now = timezone.now()
        defaults = []
        for attname in missing:
            field = fields[attname]
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and field.empty_strings_allowed:
                value = ""  # what a form leaves in an optional text field
            else:
                raise ValueError(f"{model.__name__}.{attname} needs a value")
            defaults.append(value)
        all_fields = [fields[a] for a in given + missing]
        json_at = [i for i, f in enumerate(all_fields) if isinstance(f, models.JSONField)]
        defaults_t = tuple(defaults)
        cols = ", ".join(connection.ops.quote_name(f.column) for f in all_fields)
        table = connection.ops.quote_name(model._meta.db_table)
        written = 0

        def full(rows_in: Iterable[tuple]) -> Iterator[tuple]:
            for row in rows_in:
                out = row + defaults_t
                if json_at:
                    out = list(out)
                    for i in json_at:
                        out[i] = None if out[i] is None else json.dumps(out[i])
                    out = tuple(out)
                yield out

        started = time.monotonic()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                connection.ensure_connection()
                # Big tables: drop secondary indexes and unique constraints, load, then
                # rebuild them in one pass each (much faster than row-by-row upkeep).
                rebuild = (
                    _drop_indexes(model._meta.db_table)
                    if total >= self.rebuild_indexes_from
                    else []
                )
                with connection.connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    if self.skip_fk_checks:
                        # The rows are consistent by construction (tests check it on a
                        # small set); per-row deferred FK triggers would triple the time.
                        cursor.execute("SET LOCAL session_replication_role = replica")
                    with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                        for row in full(rows):
                            copy.write_row(row)
                            written += 1
                            if label and written % 200_000 == 0:
                                self.progress(label, written, total or written)
                with connection.cursor() as cursor:
                    if rebuild:
                        self.progress(label + " (chỉ mục)", 0, 1)
                        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                    for sql in rebuild:
                        cursor.execute(sql)
            else:
                prep = [
                    _prep_for(f) if isinstance(f, models.DateField | models.DecimalField) else None
                    for f in all_fields
                ]
                marks = ", ".join(["%s"] * len(all_fields))
                sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
                batch: list[tuple] = []
                with connection.cursor() as cursor:
                    for row in full(rows):
                        batch.append(
                            tuple(v if p is None else p(v) for v, p in zip(row, prep, strict=True))
                        )
                        if len(batch) >= 5000:
                            cursor.executemany(sql, batch)
                            written += len(batch)
                            batch.clear()
                    if batch:
                        cursor.executemany(sql, batch)
                        written += len(batch)
        if label:
            self.progress(label, total or written, total or written)
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + written
        self.seconds[model.__name__] = self.seconds.get(model.__name__, 0) + (
            time.monotonic() - started
        )
        return written

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_ids))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _prep_for(field):
    """SQLite stores dates and datetimes as text in Django's own format."""

    def prep(value):
        return field.get_db_prep_save(value, connection)

    return prep


def _drop_indexes(table: str) -> list[str]:
    """Drop the table's unique constraints and secondary indexes (not the primary key);
    return the statements that recreate them."""
    recreate = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        constraints = cursor.fetchall()
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = %s AND NOT x.indisprimary",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
            recreate.append(definition)
    return recreate


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _months_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The `count` months ending with today's month, oldest first."""
    y, m = today.year, today.month
    out = []
    for _i in range(count):
        out.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def build_national(ctx: DemoContext, writer: RowWriter | None = None) -> dict[str, int]:
    """Build the country: tree, members, users, then a year of activity. Returns the
    row counts written per model."""
    from .province import _build_users

    writer = writer or RowWriter(ctx.progress)
    plan = _build_tree(ctx)
    _build_members(ctx, writer, plan)
    _build_users(ctx)
    # Each module builds its own year of activity (`build_national` in its demo.py),
    # in this order: later modules read rows of earlier ones (visits read meetings).
    for module in ("liaison", "meetings", "visits", "petitions", "away", "reviews"):
        importlib.import_module(f"lienhe.{module}.demo").build_national(ctx, writer, plan)
    writer.reset_sequences()
    rebuild_all()  # the report summaries from the rows just loaded
    ctx.extras["seconds"] = writer.seconds
    return writer.counts


class Plan:
    """What the tree looks like, kept in memory for the activity builders."""

    def __init__(self):
        self.provinces: list[Organization] = []
        self.residence_cells: list[Organization] = []
        self.workplace_cells: list[Organization] = []
        self.communes: list[Organization] = []
        self.bases: list[Organization] = []
        self.province_of: dict[int, int] = {}  # org id -> province index
        self.base_of: dict[int, int] = {}  # workplace cell id -> base id
        self.commune_of: dict[int, int] = {}  # residence cell id -> commune base id
        # Filled by _build_members: members per cell (id, is_working), home cells.
        self.cell_members: dict[int, list[int]] = {}
        self.working: list[tuple[int, int, int]] = []  # (member, workplace cell, home cell)
        self.member_org: list[int] = []  # index = member id - first id
        self.first_member_id = 0


def _build_tree(ctx: DemoContext) -> Plan:
    rng, n = ctx.rng, ctx.members
    n_prov = province_count(n)
    units = list(AdminUnit.objects.filter(level="province").order_by("code"))
    # Hà Tĩnh first (the demo accounts' province), then others in code order.
    units.sort(key=lambda u: (u.code != 42, u.code))
    units = units[:n_prov]
    children: dict[int, list[AdminUnit]] = {}
    for unit in AdminUnit.objects.filter(parent__in=units).order_by("code"):
        children.setdefault(unit.parent_id, []).append(unit)
    # Provinces differ in size (0.6x to 1.4x of the mean).
    weights = [0.6 + 0.8 * i / max(1, n_prov - 1) for i in range(n_prov)]
    rng.shuffle(weights)
    sizes = [round(n * w / sum(weights)) for w in weights]
    sizes[0] += n - sum(sizes)
    ctx.extras["province_sizes"] = sizes

    tree = TreeBuilder()
    spec = []  # (province node, [commune nodes], [res cells], [bases], [work cells])
    for p, unit in enumerate(units):
        size = sizes[p]
        pname = unit.name.split(" ", 1)[1] if unit.name.startswith(("Tỉnh", "Thành")) else unit.name
        kind_word = "thành phố" if unit.name.startswith("Thành phố") else "tỉnh"
        province = tree.add(
            None,
            code=f"TU{unit.code}",
            name=f"Đảng bộ {kind_word} {pname}",
            kind="province",
            side="other",
            admin_unit=unit,
        )
        n_res = round(size * (1 - WORKING_SHARE))
        n_res_cells = max(3, n_res // RESIDENCE_CELL_SIZE)
        communes_all = children.get(unit.pk, []) or [unit]
        n_communes = max(2, min(len(communes_all), n_res_cells // 3 or 1))
        communes, res_cells = [], []
        for i, cu in enumerate(communes_all[:n_communes]):
            share = n_res_cells // n_communes + (1 if i < n_res_cells % n_communes else 0)
            base, cells = add_commune(tree, province, cu, share, rng)
            communes.append(base)
            res_cells.extend((base, cell) for cell in cells)
        block = tree.add(
            province,
            code=f"KCQ{unit.code}",
            name=f"Đảng bộ các cơ quan và doanh nghiệp {kind_word} {pname}",
            kind="district",
            side="workplace",
            admin_unit=unit,
        )
        n_work = size - n_res
        n_bases = max(3, n_work // WORKPLACE_BASE_SIZE)
        bases, work_cells = add_agency_bases(
            tree,
            block,
            unit,
            n_bases,
            max(1, round(n_work / n_bases / WORKPLACE_CELL_SIZE)),
            rng,
            prefix=f"CQ{unit.code}-",
        )
        spec.append((province, communes, res_cells, bases, work_cells))
    tree.save()
    ctx.progress("Tổ chức đảng", 1, 1)

    saved = {o.path: o for o in Organization.objects.select_related("admin_unit")}
    plan = Plan()
    for p, (province, communes, res_cells, bases, work_cells) in enumerate(spec):
        prov = saved[province.path]
        plan.provinces.append(prov)
        for node in [province, *communes, *bases]:
            plan.province_of[saved[node.path].pk] = p
        plan.communes += [saved[c.path] for c in communes]
        plan.bases += [saved[b.path] for b in bases]
        for base, cell in res_cells:
            c = saved[cell.path]
            plan.residence_cells.append(c)
            plan.province_of[c.pk] = p
            plan.commune_of[c.pk] = saved[base.path].pk
        for base, cell in work_cells:
            c = saved[cell.path]
            plan.workplace_cells.append(c)
            plan.province_of[c.pk] = p
            plan.base_of[c.pk] = saved[base.path].pk
    # The demo accounts live in the first province, as in the one-province demo.
    first = plan.provinces[0]
    ctx.province = first
    ctx.communes = [c for c in plan.communes if c.path.startswith(first.path)]
    ctx.residence_cells = [c for c in plan.residence_cells if c.path.startswith(first.path)]
    ctx.workplace_bases = [b for b in plan.bases if b.path.startswith(first.path)]
    ctx.workplace_cells = [c for c in plan.workplace_cells if c.path.startswith(first.path)]
    ctx.extras["demo_cell"] = ctx.residence_cells[0]
    ctx.extras["provinces"] = plan.provinces
    return plan


def _build_members(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    rng, today = ctx.rng, ctx.today
    sizes = ctx.extras["province_sizes"]
    res_by_prov: dict[int, list[Organization]] = {}
    for c in plan.residence_cells:
        res_by_prov.setdefault(plan.province_of[c.pk], []).append(c)
    work_by_prov: dict[int, list[Organization]] = {}
    for c in plan.workplace_cells:
        work_by_prov.setdefault(plan.province_of[c.pk], []).append(c)
    base_names = {b.pk: b.name.removeprefix("Đảng bộ ") for b in plan.bases}
    folded: dict[str, str] = {}
    demo_cell = ctx.extras["demo_cell"]
    demo_base = ctx.workplace_bases[0].pk
    first_id = writer.next_id(Member)
    writer.next_ids[Member] = first_id  # handed out below, row by row
    plan.first_member_id = first_id
    columns = [
        "id",
        "card_number",
        "full_name",
        "search_name",
        "birth_date",
        "gender",
        "ethnicity",
        "citizen_id",
        "phone",
        "home_address",
        "home_unit_id",
        "joined_on",
        "official_on",
        "status",
        "organization_id",
        "is_working",
        "employer",
    ]
    from .names import ETHNICITIES

    def rows() -> Iterator[tuple]:
        mid = first_id
        for p, size in enumerate(sizes):
            province = plan.provinces[p]
            pcode = province.admin_unit.code
            res_cells = res_by_prov[p]
            work_cells = work_by_prov[p]
            first_commune_cells = [
                c for c in res_cells if plan.commune_of[c.pk] == plan.commune_of[res_cells[0].pk]
            ]
            n_res = round(size * (1 - WORKING_SHARE))
            for seq in range(1, size + 1):
                working = seq > n_res
                if working:
                    cell = work_cells[(seq - n_res - 1) % len(work_cells)]
                    base_id = plan.base_of[cell.pk]
                    roll = rng.random()
                    if p == 0 and base_id == demo_base and roll < 0.25:
                        home = demo_cell
                    elif roll < 0.15:
                        home = rng.choice(first_commune_cells)
                    else:
                        home = rng.choice(res_cells)
                    employer = base_names[base_id]
                    plan.working.append((mid, cell.pk, home.pk))
                    if home.pk == demo_cell.pk:
                        ctx.working_home_cells[mid] = home.pk
                else:
                    cell = res_cells[(seq - 1) % len(res_cells)]
                    home, employer = cell, ""
                female, name = _person(rng, today)
                search = folded.get(name)
                if search is None:
                    search = folded[name] = fold(name)
                birth, joined, official = _dates(rng, today, working)
                gender_digit = (2 if birth.year >= 2000 else 0) + (1 if female else 0)
                status = "active" if rng.random() > 0.01 else "exempted"
                if status == "active":
                    plan.cell_members.setdefault(cell.pk, []).append(mid)
                plan.member_org.append(cell.pk)
                yield (
                    mid,
                    f"{pcode:02d}{seq:08d}",
                    name,
                    search,
                    birth,
                    "female" if female else "male",
                    _weighted(rng, ETHNICITIES),
                    f"{pcode:03d}{gender_digit}{birth.year % 100:02d}{seq:06d}",
                    f"{rng.choice(['09', '03', '08', '07', '05'])}{rng.randint(0, 99_999_999):08d}",
                    f"{home.name.removeprefix('Chi bộ ')}, {home.admin_unit.name}",
                    home.admin_unit_id,
                    joined,
                    official,
                    status,
                    cell.pk,
                    working,
                    employer,
                )
                mid += 1
            writer.next_ids[Member] = mid

    writer.write(Member, columns, rows(), "Đảng viên", ctx.members)
