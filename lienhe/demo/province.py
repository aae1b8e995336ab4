"""Builds the base demo province: tree, members, demo users. Bulk writes only."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction

from lienhe.access.models import Role, User
from lienhe.members.models import Member
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.text import fold

from .bulk import bulk_create, indexes_built_after
from .context import DemoContext
from .names import (
    AGENCIES,
    ETHNICITIES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    SURNAMES,
    VILLAGE_WORDS,
)

PROVINCE_CODE = 42  # Hà Tĩnh — the province of seed 000
WORKING_SHARE = 0.30
RESIDENCE_CELL_SIZE = 35
WORKPLACE_CELL_SIZE = 30
WORKPLACE_BASE_SIZE = 300


class TreeBuilder:
    """Computes treebeard paths in memory so thousands of nodes insert in one batch."""

    def __init__(self):
        self.nodes: list[Organization] = []
        self._children: dict[str, int] = {}

    def add(self, parent: Organization | None, **fields) -> Organization:
        parent_path = parent.path if parent else ""
        depth = (parent.depth + 1) if parent else 1
        self._children[parent_path] = self._children.get(parent_path, 0) + 1
        path = parent_path + Organization._int2str(self._children[parent_path]).rjust(
            Organization.steplen, "0"
        )
        node = Organization(
            path=path, depth=depth, numchild=0, search_name=fold(fields["name"]), **fields
        )
        if parent:
            parent.numchild += 1
        self.nodes.append(node)
        return node

    def save(self) -> None:
        Organization.objects.bulk_create(self.nodes, batch_size=1000)


def _weighted(rng, pairs):
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights=weights)[0]


def _person(rng, today: dt.date):
    female = rng.random() < 0.38
    surname = _weighted(rng, SURNAMES)
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return female, f"{surname} {middle} {given}"


def _dates(rng, today: dt.date, working: bool):
    # Working members are of working age; residence cells are older (many retirees).
    age = rng.randint(24, 60) if working else rng.choice([rng.randint(25, 60), rng.randint(55, 88)])
    birth = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    earliest_join = birth.year + 18
    join_year = rng.randint(earliest_join, max(earliest_join, min(today.year - 1, birth.year + 40)))
    joined = dt.date(join_year, rng.randint(1, 12), rng.randint(1, 28))
    official = joined.replace(year=joined.year + 1) if joined.year + 1 < today.year else None
    return birth, joined, official


def add_commune(
    tree: TreeBuilder, province: Organization, unit: AdminUnit, cells: int, rng
) -> tuple[Organization, list[Organization]]:
    """A commune/ward party committee and its residence cells (one a village or a
    residential group); also used by the national data set (`national.py`)."""
    short = unit.name.split(" ", 1)[1] if " " in unit.name else unit.name
    kind_word = "phường" if unit.division_type == "phường" else "xã"
    base = tree.add(
        province,
        code=f"X{unit.code}",
        name=f"Đảng bộ {kind_word} {short}",
        kind="base",
        side="residence",
        admin_unit=unit,
    )
    remote_commune = kind_word == "xã" and rng.random() < 0.25
    made = []
    for j in range(max(1, cells)):
        if kind_word == "phường":
            name = f"Chi bộ Tổ dân phố {j + 1}"
        else:
            name = f"Chi bộ thôn {rng.choice(VILLAGE_WORDS)} {j + 1}"
        made.append(
            tree.add(
                base,
                code=f"X{unit.code}-{j + 1:03d}",
                name=name,
                kind="cell",
                side="residence",
                admin_unit=unit,
                meeting_day=rng.choice([3, 5, 10, 15]),
                is_remote=remote_commune and rng.random() < 0.6,
            )
        )
    return base, made


def add_agency_bases(
    tree: TreeBuilder,
    block: Organization,
    unit: AdminUnit,
    n_bases: int,
    cells_per_base: int,
    rng,
    *,
    prefix: str,
) -> tuple[list[Organization], list[tuple[Organization, Organization]]]:
    """The workplace bases under `block` (one per agency of AGENCIES, numbered after the
    first round) and their cells; also used by the national data set. Returns the
    bases and the (base, cell) pairs."""
    bases, cells = [], []
    for b in range(n_bases):
        agency = AGENCIES[b % len(AGENCIES)]
        round_no = b // len(AGENCIES)
        base_name = agency[0] if round_no == 0 else f"{agency[0]} (đơn vị {round_no + 1})"
        base = tree.add(
            block,
            code=f"{prefix}{b + 1:03d}",
            name=f"Đảng bộ {base_name}",
            kind="base",
            side="workplace",
            admin_unit=unit,
        )
        bases.append(base)
        for c in range(cells_per_base):
            unit_name = agency[1 + c % 2] if c < 2 else f"Phòng {c + 1}"
            cell = tree.add(
                base,
                code=f"{prefix}{b + 1:03d}-{c + 1:02d}",
                name=f"Chi bộ {unit_name}",
                kind="cell",
                side="workplace",
                admin_unit=unit,
                meeting_day=rng.choice([5, 10, 20]),
            )
            cells.append((base, cell))
    return bases, cells


def build_province(ctx: DemoContext) -> None:
    rng, n = ctx.rng, ctx.members
    province_unit = AdminUnit.objects.get(code=PROVINCE_CODE, level="province")
    all_communes = list(province_unit.children.order_by("code"))
    n_residence = round(n * (1 - WORKING_SHARE))
    n_res_cells = max(3, n_residence // RESIDENCE_CELL_SIZE)
    n_communes = max(2, min(len(all_communes), n_res_cells // 3 or 1))
    communes = all_communes[:n_communes]

    tree = TreeBuilder()
    province = tree.add(
        None,
        code="TU42",
        name="Đảng bộ tỉnh Hà Tĩnh",
        kind="province",
        side="other",
        admin_unit=province_unit,
        address="Phường Thành Sen, Hà Tĩnh",
    )
    commune_bases, res_cells = [], []
    for i, unit in enumerate(communes):
        share = n_res_cells // n_communes + (1 if i < n_res_cells % n_communes else 0)
        base, cells = add_commune(tree, province, unit, share, rng)
        commune_bases.append(base)
        res_cells.extend(cells)

    block = tree.add(
        province,
        code="KCQ42",
        name="Đảng bộ các cơ quan và doanh nghiệp tỉnh",
        kind="district",
        side="workplace",
        admin_unit=province_unit,
    )
    n_working = n - n_residence
    n_bases = max(3, min(200, n_working // WORKPLACE_BASE_SIZE))
    work_bases, pairs = add_agency_bases(
        tree,
        block,
        province_unit,
        n_bases,
        max(1, round(n_working / n_bases / WORKPLACE_CELL_SIZE)),
        rng,
        prefix="CQ",
    )
    work_cells = [cell for _base, cell in pairs]
    tree.save()
    ctx.progress("Tổ chức đảng", 1, 1)

    saved = {o.path: o for o in Organization.objects.select_related("admin_unit")}
    ctx.province = saved[province.path]
    ctx.communes = [saved[b.path] for b in commune_bases]
    ctx.residence_cells = [saved[c.path] for c in res_cells]
    ctx.workplace_bases = [saved[b.path] for b in work_bases]
    ctx.workplace_cells = [saved[c.path] for c in work_cells]
    with indexes_built_after(Member):
        _build_members(ctx, n_residence, n_working)
    _build_users(ctx)


def _build_members(ctx: DemoContext, n_residence: int, n_working: int) -> None:
    rng, today = ctx.rng, ctx.today
    cells_by_commune: dict[int, list[Organization]] = {}
    for cell in ctx.residence_cells:
        cells_by_commune.setdefault(cell.admin_unit_id, []).append(cell)
    demo_commune = ctx.communes[0]
    demo_cell = cells_by_commune[demo_commune.admin_unit_id][0]
    total = n_residence + n_working
    batch: list[Member] = []
    home_cells: list[int | None] = []
    seq = 0

    def flush():
        bulk_create(batch)
        batch.clear()
        ctx.progress("Đảng viên", seq, total)

    def make(cell: Organization, working: bool, home_cell: Organization | None, employer: str = ""):
        nonlocal seq
        seq += 1
        female, name = _person(rng, today)
        birth, joined, official = _dates(rng, today, working)
        where = home_cell or cell
        commune = where.admin_unit
        address = f"{where.name.removeprefix('Chi bộ ')}, {commune.name if commune else ''}"
        century_gender = (2 if birth.year >= 2000 else 0) + (1 if female else 0)
        citizen = f"042{century_gender}{birth.year % 100:02d}{seq:06d}" if seq < 1_000_000 else None
        prefix = rng.choice(["09", "03", "08", "07", "05"])
        batch.append(
            Member(
                card_number=f"42{seq:08d}",
                full_name=name,
                search_name=fold(name),
                birth_date=birth,
                gender="female" if female else "male",
                ethnicity=_weighted(rng, ETHNICITIES),
                citizen_id=citizen,
                phone=f"{prefix}{rng.randint(0, 99_999_999):08d}",
                home_address=address,
                home_unit_id=where.admin_unit_id,
                joined_on=joined,
                official_on=official,
                status="active" if rng.random() > 0.01 else "exempted",
                organization_id=cell.pk,
                is_working=working,
                employer=employer,
            )
        )
        home_cells.append(home_cell.pk if home_cell else None)
        if len(batch) >= 5000:
            flush()

    for i in range(n_residence):
        make(ctx.residence_cells[i % len(ctx.residence_cells)], False, None)
    base_of = {
        c.pk: b
        for b in ctx.workplace_bases
        for c in ctx.workplace_cells
        if c.path.startswith(b.path)
    }
    for i in range(n_working):
        cell = ctx.workplace_cells[i % len(ctx.workplace_cells)]
        base = base_of[cell.pk]
        employer = base.name.removeprefix("Đảng bộ ")
        # The demo commune is the provincial seat: many agency staff live there, and
        # the first agency's staff live in the demo cell so `bithu` has introductions.
        roll = rng.random()
        if base.pk == ctx.workplace_bases[0].pk and roll < 0.25:
            home = demo_cell
        elif roll < 0.15:
            home = rng.choice(cells_by_commune[demo_commune.admin_unit_id])
        else:
            home = rng.choice(ctx.residence_cells)
        make(cell, True, home, employer)
    flush()
    ids = list(Member.objects.order_by("id").values_list("id", flat=True))
    ctx.working_home_cells = {mid: cell for mid, cell in zip(ids, home_cells, strict=True) if cell}
    ctx.extras["demo_cell"] = demo_cell


@transaction.atomic
def _build_users(ctx: DemoContext) -> None:
    from django.conf import settings

    password = make_password(settings.DEMO_PASSWORD)
    demo_cell = ctx.extras["demo_cell"]
    commune = ctx.communes[0]
    agency = ctx.workplace_bases[0]
    handler_base = next(
        (b for b in ctx.workplace_bases if "Xây dựng" in b.name), ctx.workplace_bases[-1]
    )
    secretary = (
        Member.objects.filter(organization=demo_cell, is_working=False).order_by("id").first()
    )
    working = (
        Member.objects.filter(
            organization__path__startswith=agency.path,
            is_working=True,
            pk__in=[m for m, c in ctx.working_home_cells.items() if c == demo_cell.pk],
        )
        .order_by("id")
        .first()
    )
    executive = (
        Member.objects.filter(organization__path__startswith=ctx.workplace_bases[-1].path)
        .order_by("id")
        .first()
    )
    specs = [
        ("admin", "Quản trị", "hệ thống", None, [], True, "0900000001"),
        (
            "tinh",
            "Ban Tổ chức",
            "Tỉnh ủy",
            None,
            [("committee_staff", ctx.province, "Chuyên viên Ban Tổ chức Tỉnh ủy")],
            False,
            "0900000002",
        ),
        (
            "xa",
            "Văn phòng",
            "Đảng ủy",
            None,
            [("committee_staff", commune, "Chuyên viên Văn phòng Đảng ủy")],
            False,
            "0900000003",
        ),
        (
            "bithu",
            "",
            "",
            secretary,
            [("cell_officer", demo_cell, "Bí thư chi bộ")],
            False,
            "0900000004",
        ),
        (
            "coquan",
            "Văn phòng",
            "Đảng ủy cơ quan",
            None,
            [("committee_staff", agency, "Chuyên viên Đảng ủy cơ quan")],
            False,
            "0900000005",
        ),
        (
            "dangvien",
            "",
            "",
            working,
            [("member", working.organization if working else agency, "")],
            False,
            "0900000006",
        ),
        (
            "uyvien",
            "",
            "",
            executive,
            [("visitor", ctx.province, "Tỉnh ủy viên")],
            False,
            "0900000007",
        ),
        (
            "so",
            "Cán bộ",
            "Sở Xây dựng",
            None,
            [("agency_handler", handler_base, "Chuyên viên tiếp nhận kiến nghị")],
            False,
            "0900000008",
        ),
    ]
    for username, first, last, member, roles, superuser, phone in specs:
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            password=password,
            is_superuser=superuser,
            is_staff=superuser,
            member=member,
            phone=phone,
            # Reserved test domain (RFC 2606): the demo shows its mail on the console.
            email=f"{username}@example.org",
        )
        Role.objects.bulk_create(
            [
                Role(user=user, organization=org, role=role, title=title)
                for role, org, title in roles
            ]
        )
        ctx.users[username] = user


DEMO_ACCOUNTS = [
    ("admin", "Quản trị hệ thống (superuser)"),
    ("tinh", "Ban Tổ chức Tỉnh ủy — toàn tỉnh"),
    ("xa", "Đảng ủy phường/xã — một đảng bộ xã"),
    ("bithu", "Bí thư chi bộ khu dân cư (có đảng viên được giới thiệu về)"),
    ("coquan", "Đảng ủy cơ quan (Sở) — đảng viên cư trú tại phường trên"),
    ("dangvien", "Đảng viên đang công tác, cư trú tại chi bộ của bithu"),
    ("uyvien", "Tỉnh ủy viên được phân công dự sinh hoạt chi bộ"),
    ("so", "Cán bộ Sở xử lý kiến nghị"),
]
