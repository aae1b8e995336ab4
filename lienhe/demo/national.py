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

from lienhe.away.models import AwayPeriod, FeeDue, FeePayment
from lienhe.liaison.models import Introduction
from lienhe.meetings.models import Attendance, Meeting
from lienhe.meetings.services import meeting_date
from lienhe.members.models import Member
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.petitions.models import Agency, Category, Petition
from lienhe.petitions.similarity import signature
from lienhe.reports.summaries import rebuild_all
from lienhe.reviews.constants import Regulation, regulation_for_year
from lienhe.reviews.demo import score_in_band
from lienhe.reviews.models import ResidenceComment, YearReview
from lienhe.text import fold
from lienhe.visits.models import Committee, CommitteeMember, Visit, VisitReport

from .context import DemoContext
from .names import AGENCIES, VILLAGE_WORDS
from .province import TreeBuilder, _dates, _person, _weighted

RESIDENCE_CELL_SIZE = 35
WORKPLACE_CELL_SIZE = 30
WORKPLACE_BASE_SIZE = 300
WORKING_SHARE = 0.30
MEMBERS_PER_PROVINCE = 125_000  # 1M members -> 8 provinces
PETITIONS_PER_MEMBER = 0.01  # a year
AWAY_SHARE = 0.01
MONTHLY_FEE = 30_000  # đồng; a flat demo figure (the real rule is 1% of income)


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
    _build_liaison(ctx, writer, plan)
    _build_meetings(ctx, writer, plan)
    _build_visits(ctx, writer, plan)
    _build_petitions(ctx, writer, plan)
    _build_away_and_fees(ctx, writer, plan)
    _build_reviews(ctx, writer, plan)
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
            short = cu.name.split(" ", 1)[1] if " " in cu.name else cu.name
            word = "phường" if cu.division_type == "phường" else "xã"
            base = tree.add(
                province,
                code=f"X{cu.code}",
                name=f"Đảng bộ {word} {short}",
                kind="base",
                side="residence",
                admin_unit=cu,
            )
            communes.append(base)
            share = n_res_cells // n_communes + (1 if i < n_res_cells % n_communes else 0)
            remote = word == "xã" and rng.random() < 0.25
            for j in range(max(1, share)):
                name = (
                    f"Chi bộ Tổ dân phố {j + 1}"
                    if word == "phường"
                    else f"Chi bộ thôn {rng.choice(VILLAGE_WORDS)} {j + 1}"
                )
                res_cells.append(
                    (
                        base,
                        tree.add(
                            base,
                            code=f"X{cu.code}-{j + 1:03d}",
                            name=name,
                            kind="cell",
                            side="residence",
                            admin_unit=cu,
                            meeting_day=rng.choice([3, 5, 10, 15]),
                            is_remote=remote and rng.random() < 0.6,
                        ),
                    )
                )
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
        bases, work_cells = [], []
        for b in range(n_bases):
            agency = AGENCIES[b % len(AGENCIES)]
            round_no = b // len(AGENCIES)
            base_name = agency[0] if round_no == 0 else f"{agency[0]} (đơn vị {round_no + 1})"
            base = tree.add(
                block,
                code=f"CQ{unit.code}-{b + 1:03d}",
                name=f"Đảng bộ {base_name}",
                kind="base",
                side="workplace",
                admin_unit=unit,
            )
            bases.append(base)
            for c in range(max(1, round(n_work / n_bases / WORKPLACE_CELL_SIZE))):
                unit_name = agency[1 + c % 2] if c < 2 else f"Phòng {c + 1}"
                work_cells.append(
                    (
                        base,
                        tree.add(
                            base,
                            code=f"CQ{unit.code}-{b + 1:03d}-{c + 1:02d}",
                            name=f"Chi bộ {unit_name}",
                            kind="cell",
                            side="workplace",
                            admin_unit=unit,
                            meeting_day=rng.choice([5, 10, 20]),
                        ),
                    )
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


def _build_liaison(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    """One letter per working member: most handed in and active, some overdue, some
    exempted (Quy định 213-QĐ/TW; 30 days to hand in)."""
    rng, today = ctx.rng, ctx.today
    columns = [
        "id",
        "member_id",
        "workplace_org_id",
        "residence_org_id",
        "state",
        "number",
        "issued_on",
        "due_on",
        "handed_in_on",
        "accepted_on",
        "exemption",
        "exemption_reason",
        "exempt_from",
    ]

    def rows() -> Iterator[tuple]:
        seq = 0
        for member_id, cell_id, home_id in plan.working:
            seq += 1
            issued = today - dt.timedelta(days=rng.randint(5, 700))
            due = issued + dt.timedelta(days=30)
            r = rng.random()
            number = f"{seq}-GGT/ĐU"
            if r < 0.05:
                yield (
                    writer.next_id(Introduction),
                    member_id,
                    plan.base_of[cell_id],
                    home_id,
                    "exempt",
                    "",
                    None,
                    None,
                    None,
                    None,
                    "introduction",
                    "Công tác biệt phái dài ngày",
                    issued,
                )
                continue
            if r < 0.15:  # issued, not yet handed in (overdue when past due)
                yield (
                    writer.next_id(Introduction),
                    member_id,
                    plan.base_of[cell_id],
                    home_id,
                    "issued",
                    number,
                    issued,
                    due,
                    None,
                    None,
                    "",
                    "",
                    None,
                )
                continue
            handed = min(today, issued + dt.timedelta(days=rng.randint(1, 40)))
            yield (
                writer.next_id(Introduction),
                member_id,
                plan.base_of[cell_id],
                home_id,
                "active",
                number,
                issued,
                due,
                handed,
                handed,
                "",
                "",
                None,
            )

    writer.write(Introduction, columns, rows(), "Giấy giới thiệu", len(plan.working))


def _build_meetings(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    """A regular meeting a month for every cell over the last twelve months (a few
    cancelled, the current month's maybe still planned) with an attendance row for
    every active member of the cell; counters match the rows."""
    rng, today = ctx.rng, ctx.today
    now = timezone.now()
    months = _months_back(today, 12)
    cells = [(c, True) for c in plan.residence_cells] + [(c, False) for c in plan.workplace_cells]
    habit: dict[int, float] = {}
    attendance: list[tuple] = []
    meeting_cols = [
        "id",
        "organization_id",
        "kind",
        "title",
        "planned_at",
        "place",
        "state",
        "state_reason",
        "period",
        "year",
        "search_text",
        "held_at",
        "expected_count",
        "present_count",
        "marked_count",
        "roll_call_closed_at",
    ]
    att_cols = ["id", "meeting_id", "member_id", "status", "is_working_member", "marked_at", "via"]
    ctx.extras["meetings_total"] = len(cells) * len(months)
    next_att = [writer.next_id(Attendance)]

    def meetings() -> Iterator[tuple]:
        for cell, residence in cells:
            members = plan.cell_members.get(cell.pk, [])
            day = cell.meeting_day or 5
            hour, minute = (19, 30) if residence else (16, 0)
            place = ("Nhà văn hóa " + cell.name.replace("Chi bộ ", ""))[:200]
            search = fold(cell.name)
            for y, m in months:
                when = _at(meeting_date(y, m, day), hour, minute)
                mid = writer.next_id(Meeting)
                period = f"{y:04d}-{m:02d}"
                if when > now:
                    yield (mid, cell.pk, "regular", "", when, place, "planned", "", period, y,
                           search, None, 0, 0, 0, None)  # fmt: skip
                    continue
                if rng.random() < 0.03:
                    yield (mid, cell.pk, "regular", "", when, place, "cancelled",
                           "Mưa bão, ngập đường", period, y, search, None, 0, 0, 0, None)  # fmt: skip
                    continue
                present = 0
                for member_id in members:
                    p = habit.get(member_id)
                    if p is None:
                        r = rng.random()
                        p = habit[member_id] = 0.45 if r < 0.03 else (0.75 if r < 0.12 else 0.93)
                    r = rng.random()
                    if r < p:
                        status = "present"
                        present += 1
                    elif r < p + (1 - p) * 0.55:
                        status = "excused"
                    else:
                        status = "absent"
                    attendance.append(
                        (next_att[0], mid, member_id, status, False, when, "roll_call")
                    )
                    next_att[0] += 1
                yield (mid, cell.pk, "regular", "", when, place, "held", "", period, y, search,
                       when, len(members), present, len(members), when)  # fmt: skip

    writer.write(
        Meeting, meeting_cols, meetings(), "Sinh hoạt chi bộ", ctx.extras["meetings_total"]
    )
    writer.next_ids[Attendance] = next_att[0]
    total = len(attendance)
    writer.write(Attendance, att_cols, attendance, "Điểm danh", total)
    attendance.clear()


def _build_visits(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    """A standing committee of five per commune base; each residence cell is visited
    twice over the year (most done with a report, a few missed)."""
    rng, today = ctx.rng, ctx.today
    committees, people = [], []
    commune_people: dict[int, list[int]] = {}
    for base in plan.communes:
        cid = writer.next_id(Committee)
        committees.append(
            (
                cid,
                base.pk,
                f"Ban Thường vụ {base.name}",
                "2025-2030",
                dt.date(2025, 9, 1),
                dt.date(2030, 8, 31),
            )  # fmt: skip
        )
        for k in range(5):
            female, name = _person(rng, today)
            pid = writer.next_id(CommitteeMember)
            title = "Bí thư Đảng ủy" if k == 0 else "Ủy viên Ban Thường vụ"
            position = "standing_officer" if k == 0 else "standing_committee"
            people.append((pid, cid, name, fold(name), title, position))
            commune_people.setdefault(base.pk, []).append(pid)
    writer.write(
        Committee, ["id", "organization_id", "name", "term", "term_start", "term_end"], committees
    )
    writer.write(
        CommitteeMember,
        ["id", "committee_id", "full_name", "search_name", "title", "position"],
        people,
    )
    visits, reports = [], []
    months = _months_back(today, 12)
    for cell in plan.residence_cells:
        pool = commune_people[plan.commune_of[cell.pk]]
        for _k in range(2):
            y, m = rng.choice(months[:-1])
            planned = meeting_date(y, m, cell.meeting_day or 5)
            vid = writer.next_id(Visit)
            state = "missed" if rng.random() < 0.08 else "done"
            visits.append(
                (
                    vid,
                    rng.choice(pool),
                    cell.pk,
                    planned,
                    y,
                    state,
                    "business_trip" if state == "missed" else "",
                )  # fmt: skip
            )
            if state == "done":
                late = 0 if rng.random() < 0.85 else rng.randint(1, 20)
                filed = _at(planned + dt.timedelta(days=5 + late), 9)
                reports.append(
                    (
                        writer.next_id(VisitReport),
                        vid,
                        planned,
                        "Bí thư chi bộ",
                        "Sinh hoạt đúng nội dung, đảng viên phát biểu sôi nổi",
                        "",
                        "good",
                        "",
                        "",
                        "",
                        "",
                        filed,
                        late,
                    )  # fmt: skip
                )
    writer.write(
        Visit,
        ["id", "committee_member_id", "cell_id", "planned_on", "year", "state", "miss_reason"],
        visits,
        "Dự sinh hoạt",
        len(visits),
    )
    writer.write(
        VisitReport,
        [
            "id",
            "visit_id",
            "attended_on",
            "chair",
            "content",
            "observations",
            "quality",
            "opinions",
            "resolved_on_spot",
            "recommendations",
            "number",
            "filed_at",
            "days_late",
        ],  # fmt: skip
        reports,
    )


PETITION_TEXTS = [
    ("Đường bê tông ngõ xóm xuống cấp, đề nghị sửa chữa", "infrastructure"),
    ("Đèn chiếu sáng đường liên thôn hỏng nhiều tháng", "infrastructure"),
    ("Rác thải sinh hoạt chưa được thu gom thường xuyên", "environment"),
    ("Chậm cấp giấy chứng nhận quyền sử dụng đất", "land"),
    ("Tình trạng xe quá tải chạy qua khu dân cư", "security"),
    ("Đề nghị hỗ trợ giống cây trồng sau lũ", "economy"),
    ("Chế độ cho người có công chậm chi trả", "social"),
]


def _build_petitions(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    rng, today = ctx.rng, ctx.today
    if not Category.objects.exists():  # `flush` empties the migration's taxonomy
        defaults = importlib.import_module("lienhe.petitions.migrations.0002_categories")
        Category.objects.bulk_create(
            [Category(code=c, name=n, order=o) for c, n, o in defaults.CATEGORIES]
        )
    categories = dict(Category.objects.values_list("code", "pk"))
    agencies, agency_of = [], {}
    for p, province in enumerate(plan.provinces):
        pname = province.name.split(" ", 3)[-1]
        ids = []
        for short, full in [
            ("Sở Xây dựng", "Sở Xây dựng"),
            ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
            ("Công an tỉnh", "Công an tỉnh"),
        ]:
            aid = writer.next_id(Agency)
            agencies.append((aid, f"{full} {pname}", short, "department", fold(f"{full} {pname}")))
            ids.append(aid)
        agency_of[p] = ids
    writer.write(Agency, ["id", "name", "short_name", "kind", "search_name"], agencies)
    total = round(ctx.members * PETITIONS_PER_MEMBER)
    cells = plan.residence_cells
    tokens = {text: signature(text)[:400] for text, _c in PETITION_TEXTS}
    now = timezone.now()

    def rows() -> Iterator[tuple]:
        for _i in range(total):
            cell = rng.choice(cells)
            text, code = rng.choice(PETITION_TEXTS)
            received = today - dt.timedelta(days=rng.randint(0, 364))
            due = received + dt.timedelta(days=30)
            agency = rng.choice(agency_of[plan.province_of[cell.pk]])
            r = rng.random()
            answered_at, late, state = None, False, "in_progress"
            if r < 0.7:
                days = rng.randint(3, 45)
                answered_at = _at(received + dt.timedelta(days=days), 10)
                if answered_at > now:
                    answered_at = None
                else:
                    late = days > 30
                    state = "answered" if rng.random() < 0.4 else "closed"
            elif r < 0.8:
                state = "assigned"
            yield (
                writer.next_id(Petition),
                cell.pk,
                cell.admin_unit_id,
                cell.name.removeprefix("Chi bộ "),
                text,
                "",
                categories.get(code) or next(iter(categories.values())),
                "cell",
                cell.name,
                "minutes",
                "",
                received,
                state,
                agency,
                received + dt.timedelta(days=2),
                due,
                "Đã kiểm tra, sẽ xử lý trong quý." if answered_at else "",
                answered_at,
                late,
                answered_at if state == "closed" else None,
                "accepted" if state == "closed" else "",
                fold(f"{text} {cell.name}"),
                tokens[text],
                _at(received, 9),
            )

    writer.write(
        Petition,
        [
            "id",
            "organization_id",
            "admin_unit_id",
            "place",
            "summary",
            "details",
            "category_id",
            "raised_by_kind",
            "raised_by_name",
            "source_type",
            "source_id",
            "received_on",
            "state",
            "agency_id",
            "assigned_on",
            "due_on",
            "answer",
            "answered_at",
            "answered_late",
            "closed_at",
            "outcome",
            "search_text",
            "tokens",
            "created_at",
        ],  # fmt: skip
        rows(),
        "Kiến nghị",
        total,
    )


def _build_away_and_fees(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    """About 1% of members away (approved, some returned); party fees due every month
    for active members, paid by most."""
    rng, today = ctx.rng, ctx.today
    first = plan.first_member_id
    n = len(plan.member_org)
    away = []
    for index in rng.sample(range(n), round(n * AWAY_SHARE)):
        mid = first + index
        abroad = rng.random() < 0.2
        dest = "Khu công nghiệp Bắc Thăng Long, Hà Nội" if not abroad else "Tokyo, Nhật Bản"
        start = today - dt.timedelta(days=rng.randint(30, 700))
        returned = start + dt.timedelta(days=rng.randint(60, 300))
        status = "returned" if returned < today and rng.random() < 0.3 else "approved"
        away.append(
            (
                writer.next_id(AwayPeriod),
                mid,
                plan.member_org[index],
                dest,
                "Nhật Bản" if abroad else "",
                fold(dest),
                "Công ty TNHH",
                start,
                status,
                start + dt.timedelta(days=10),
                returned if status == "returned" else None,
                f"09{rng.randint(0, 99_999_999):08d}",
                "Vợ",
                f"03{rng.randint(0, 99_999_999):08d}",
                "Đi làm ăn theo hợp đồng lao động",
            )  # fmt: skip
        )
    writer.write(
        AwayPeriod,
        [
            "id",
            "member_id",
            "organization_id",
            "destination_address",
            "destination_country",
            "search_destination",
            "employer",
            "start_on",
            "status",
            "approved_on",
            "returned_on",
            "phone",
            "family_contact",
            "family_phone",
            "reason",
        ],  # fmt: skip
        away,
        "Đi làm ăn xa",
        len(away),
    )
    if not ctx.extras.get("fees", True):
        return
    months = [dt.date(y, m, 1) for y, m in _months_back(today, 12)]
    due_rows = n * len(months)

    def dues() -> Iterator[tuple]:
        for index, org_id in enumerate(plan.member_org):
            mid = first + index
            for month in months:
                yield (writer.next_id(FeeDue), mid, org_id, month, MONTHLY_FEE)

    def payments() -> Iterator[tuple]:
        for index, org_id in enumerate(plan.member_org):
            mid = first + index
            for month in months:
                if rng.random() < 0.92:
                    paid = month + dt.timedelta(days=rng.randint(0, 20))
                    yield (writer.next_id(FeePayment), mid, org_id, month, MONTHLY_FEE, "cash",
                           "", min(paid, today), _at(min(paid, today), 9))  # fmt: skip

    writer.write(
        FeeDue, ["id", "member_id", "organization_id", "month", "amount"], dues(), "Đảng phí",
        due_rows,
    )  # fmt: skip
    writer.write(
        FeePayment,
        [
            "id",
            "member_id",
            "organization_id",
            "month",
            "amount",
            "method",
            "reference",
            "paid_on",
            "created_at",
        ],  # fmt: skip
        payments(),
        "Đảng phí đã nộp",
        due_rows,
    )


def _build_reviews(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
    """Last year's reviews decided for every member, last year's residence comments sent
    for working members, this year's campaign under way (comments requested in
    November, some sent)."""
    rng, today = ctx.rng, ctx.today
    last = today.year - 1
    comment_ids: dict[int, int] = {}
    comment_cols = ["id", "member_id", "year", "residence_org_id", "workplace_org_id",
                    "requested_via", "requested_at", "due_on", "state", "conclusion",
                    "conclusion_label", "sent_at"]  # fmt: skip

    def comments() -> Iterator[tuple]:
        for member_id, cell_id, home_id in plan.working:
            base_id = plan.base_of[cell_id]
            cid = writer.next_id(ResidenceComment)
            comment_ids[member_id] = cid
            due = dt.date(last, 11, 30)
            sent = _at(due - dt.timedelta(days=rng.randint(-10, 20)), 10)
            yield (cid, member_id, last, home_id, base_id, "workplace", _at(dt.date(last, 11, 1), 8),
                   due, "sent", 0 if rng.random() < 0.8 else 1, "Tốt", sent)  # fmt: skip
            if today.month >= 11:
                due = dt.date(today.year, 11, 30)
                requested = _at(dt.date(today.year, 11, 1), 8)
                if rng.random() < 0.4:
                    sent_at = min(
                        timezone.now(), _at(today - dt.timedelta(days=rng.randint(0, 20)), 10)
                    )
                    yield (writer.next_id(ResidenceComment), member_id, today.year, home_id,
                           base_id, "workplace", requested, due, "sent", 0, "Tốt", sent_at)  # fmt: skip
                else:
                    yield (writer.next_id(ResidenceComment), member_id, today.year, home_id,
                           base_id, "workplace", requested, due, "requested", None, "", None)  # fmt: skip

    writer.write(ResidenceComment, comment_cols, comments(), "Nhận xét", len(plan.working) * 2)
    levels = ["excellent", "good", "completed", "not_completed"]
    weights = [0.15, 0.7, 0.13, 0.02]
    first = plan.first_member_id
    decided = _at(dt.date(last, 12, 20), 9)
    # Quy định 366 from 2025: last year's reviews carry it and a score in the level's band.
    regulation = regulation_for_year(last)
    scored = regulation == Regulation.QD366

    def reviews() -> Iterator[tuple]:
        for index, org_id in enumerate(plan.member_org):
            mid = first + index
            level = rng.choices(levels, weights)[0]
            general, tasks = score_in_band(level, mid) if scored else (None, None)
            yield (writer.next_id(YearReview), mid, last, org_id, level, level, level,
                   comment_ids.get(mid), "final", decided, regulation, general, tasks)  # fmt: skip

    writer.write(
        YearReview,
        [
            "id",
            "member_id",
            "year",
            "organization_id",
            "self_level",
            "proposal_level",
            "decision_level",
            "residence_comment_id",
            "state",
            "decided_at",
            "regulation",
            "score_general",
            "score_tasks",
        ],  # fmt: skip
        reviews(),
        "Xếp loại",
        len(plan.member_org),
    )
