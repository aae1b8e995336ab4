"""Demo meetings: a year of meetings for every cell with realistic gaps (some residence
cells meet their working members once a year "for show", a few never, a few cells skip
months), attendance, minutes, visiting officials, issues raised and quality ratings.

Attendance rows are generated for every held meeting while the total stays under
`settings.LIENHE_DEMO_ATTENDANCE_ROWS` (about a million rows: 100,000 members x 11
months); above it (very large provinces) only for the demo commune's cells plus an
evenly spread sample of the other cells, and the meetings of the other cells carry no attendance rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.utils import timezone

from lienhe.demo.bulk import bulk_create, copy_rows, indexes_built_after
from lienhe.demo.context import DemoContext, extender
from lienhe.demo.national import Plan, RowWriter, _months_back
from lienhe.members.models import Member
from lienhe.text import fold

from .models import Attendance, Guest, Meeting, Minutes, RaisedIssue, Rating
from .services import CHECK_POINTS, level_for, meeting_date

THEMES = [
    "Học tập, làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Xây dựng nông thôn mới, đô thị văn minh",
    "Phòng, chống tham nhũng, tiêu cực",
    "Công tác phát triển đảng viên ở khu dân cư",
    "Bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng",
    "Chuyển đổi số và dịch vụ công trực tuyến",
]
REASONS_CANCEL = ["Mưa bão, ngập đường", "Trùng lịch bầu cử", "Dịch bệnh, hạn chế tụ tập"]
REASONS_MOVE = ["Trùng lễ hội của thôn", "Bí thư đi tập huấn", "Trùng lịch họp của xã"]
ISSUES = [
    ("Đường bê tông ngõ xóm xuống cấp, đề nghị sửa chữa", "Giao thông"),
    ("Đèn chiếu sáng đường liên thôn hỏng nhiều tháng", "Hạ tầng"),
    ("Rác thải sinh hoạt chưa được thu gom thường xuyên", "Môi trường"),
    ("Đề nghị hỗ trợ giống cây trồng sau lũ", "Nông nghiệp"),
    ("Tình trạng xe quá tải chạy qua khu dân cư", "Trật tự an toàn"),
]
GUESTS = [
    ("Lê Văn Hùng", "Tỉnh ủy viên, Giám đốc Sở Xây dựng", "Tỉnh ủy Hà Tĩnh"),
    ("Nguyễn Thị Thu Hà", "Ủy viên Ban Thường vụ Đảng ủy", "Đảng ủy xã"),
    ("Trần Đình Phong", "Phó Bí thư Thường trực Đảng ủy", "Đảng ủy phường"),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@contextmanager
def _no_query_log():
    """With DEBUG on (the development default) Django logs every query and quotes every
    parameter for the log: for a million rows that doubles the seeding time."""
    old = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = old


@extender(45)
def seed_meetings(ctx: DemoContext) -> None:
    with _no_query_log():
        _seed(ctx)


def _seed(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    year = today.year
    now = timezone.now()
    demo_cell = ctx.extras.get("demo_cell")
    demo_base_path = ctx.communes[0].path if ctx.communes else "~"
    cells = [(c, True) for c in ctx.residence_cells] + [(c, False) for c in ctx.workplace_cells]

    # Members by cell (own members) and working members by residence cell.
    own: dict[int, list[int]] = {}
    for pk, org_id in Member.objects.filter(status=Member.Status.ACTIVE).values_list(
        "pk", "organization_id"
    ):
        own.setdefault(org_id, []).append(pk)
    working_at: dict[int, list[int]] = {}
    for member_id, cell_id in ctx.working_home_cells.items():
        working_at.setdefault(cell_id, []).append(member_id)
    # Each member's habits: most come, a few often miss without excuse.
    habit: dict[int, float] = {}

    def propensity(mid: int) -> float:
        p = habit.get(mid)
        if p is None:
            r = rng.random()
            p = 0.45 if r < 0.03 else (0.75 if r < 0.12 else 0.93)
            habit[mid] = p
        return p

    # Which cells get attendance rows.
    expected_rows = sum(len(own.get(c.pk, [])) for c, _r in cells) * max(today.month, 1)
    if expected_rows <= settings.LIENHE_DEMO_ATTENDANCE_ROWS:
        with_rows = {c.pk for c, _r in cells}
    else:
        share = settings.LIENHE_DEMO_ATTENDANCE_ROWS / expected_rows
        step = max(1, round(1 / share))
        with_rows = {c.pk for i, (c, _r) in enumerate(cells) if i % step == 0}
        with_rows |= {c.pk for c, _r in cells if c.path.startswith(demo_base_path)}
    ctx.extras["meetings_attendance_cells"] = len(with_rows)

    specs: list[tuple[Meeting, list[tuple[int, str, bool]]]] = []

    def add(cell, kind, when, state, title="", period="", reason="", attend=None):
        m = Meeting(
            organization_id=cell.pk,
            kind=kind,
            title=title,
            planned_at=when,
            year=when.year,
            period=period,
            place=("Nhà văn hóa " + cell.name.replace("Chi bộ ", ""))[:200],
            state=state,
            state_reason=reason,
            held_at=when if state == Meeting.State.HELD else None,
            roll_call_closed_at=when if state == Meeting.State.HELD else None,
            search_text=fold(f"{cell.name} {title}")[:400],
        )
        rows: list[tuple[int, str, bool]] = []
        if state == Meeting.State.HELD and attend is not None and cell.pk in with_rows:
            for mid, is_working in attend:
                p = propensity(mid)
                r = rng.random()
                if r < p:
                    status = "late" if rng.random() < 0.06 else "present"
                elif r < p + (1 - p) * 0.55:
                    status = "excused"
                else:
                    status = "absent"
                rows.append((mid, status, is_working))
            m.expected_count = len(rows)
            m.present_count = sum(1 for _m, s, _w in rows if s in ("present", "late"))
            m.marked_count = len(rows)
        specs.append((m, rows))

    for index, (cell, residence) in enumerate(cells):
        day = cell.meeting_day or 5
        hour = 19 if residence else 16
        members = [(mid, False) for mid in own.get(cell.pk, [])]
        sloppy = rng.random() < 0.08  # skips several months, leaves meetings unrecorded
        for month in range(1, 13):
            when = _at(meeting_date(year, month, day), hour, 30 if residence else 0)
            period = f"{year:04d}-{month:02d}"
            if when > now:
                if month <= today.month + 2:
                    add(cell, Meeting.Kind.REGULAR, when, Meeting.State.PLANNED, period=period)
                continue
            r = rng.random()
            if sloppy and r < 0.35:
                add(cell, Meeting.Kind.REGULAR, when, Meeting.State.PLANNED, period=period)
            elif r < 0.03:
                add(
                    cell,
                    Meeting.Kind.REGULAR,
                    when,
                    Meeting.State.CANCELLED,
                    period=period,
                    reason=rng.choice(REASONS_CANCEL),
                )
            else:
                add(
                    cell,
                    Meeting.Kind.REGULAR,
                    when,
                    Meeting.State.HELD,
                    period=period,
                    attend=members,
                )
        # Thematic meetings (about a third of cells, once or twice a year).
        if rng.random() < 0.35:
            for _ in range(rng.choice([1, 1, 2])):
                month = rng.randint(1, max(1, today.month))
                when = _at(meeting_date(year, month, 20), hour)
                if when < now:
                    add(
                        cell,
                        Meeting.Kind.THEMATIC,
                        when,
                        Meeting.State.HELD,
                        title=rng.choice(THEMES),
                        attend=members,
                    )
        if not residence:
            continue
        # Meetings with working members: realistic gaps (seed 000).
        r = rng.random()
        times = 0 if r < 0.12 else 1 if r < 0.45 else 2 if r < 0.88 else 3
        if cell.pk == getattr(demo_cell, "pk", None):
            times = 2
        guests_list = [(mid, True) for mid in working_at.get(cell.pk, [])]
        for month in sorted(rng.sample([1, 2, 3, 6, 9, 12], times)):
            when = _at(meeting_date(year, month, 25), 8)
            state = Meeting.State.HELD if when < now else Meeting.State.PLANNED
            add(
                cell,
                Meeting.Kind.WORKING_MEMBERS,
                when,
                state,
                title="Gặp mặt đảng viên đang công tác "
                + ("6 tháng đầu năm" if month <= 6 else "6 tháng cuối năm"),
                attend=guests_list,
            )
        if index % 200 == 0:
            ctx.progress("Sinh hoạt chi bộ", index, len(cells))

    # The demo cell: a meeting tonight (roll call / QR check-in to try), a moved one.
    if demo_cell is not None:
        add(
            demo_cell,
            Meeting.Kind.THEMATIC,
            _at(today, 19, 30),
            Meeting.State.PLANNED,
            title="Quán triệt Nghị quyết Đại hội Đảng bộ tỉnh",
        )
        add(
            demo_cell,
            Meeting.Kind.EXTRAORDINARY,
            _at(today + dt.timedelta(days=9), 8),
            Meeting.State.MOVED,
            title="Bàn phương án phòng chống bão lũ",
            reason=rng.choice(REASONS_MOVE),
        )
        specs[-1][0].original_at = _at(today + dt.timedelta(days=6), 8)

    meetings = [m for m, _rows in specs]
    bulk_create(meetings)
    ctx.progress("Sinh hoạt chi bộ", len(cells), len(cells))

    total = sum(len(rows) for _m, rows in specs)
    _insert_attendance(ctx, specs, total)
    ctx.progress("Điểm danh", total, total)

    _minutes_and_ratings(ctx, [m for m, _r in specs], demo_base_path)


def _insert_attendance(ctx: DemoContext, specs, total: int) -> None:
    """Multi-row INSERTs straight through the cursor: a million model instances through
    bulk_create cost about a minute of CPU; this takes a few seconds."""
    table = Attendance._meta.db_table
    if connection.vendor == "postgresql":  # COPY: no SQL text to build for 10⁶ rows
        with indexes_built_after(Attendance):
            copy_rows(
                table,
                ["meeting_id", "member_id", "status", "is_working_member", "marked_at", "via"]
                + ["tap_id", "note"],
                (
                    (m.pk, mid, status, is_working, m.planned_at + dt.timedelta(minutes=5))
                    + ("roll_call", "", "")
                    for m, marks in specs
                    for mid, status, is_working in marks
                ),
            )
        return
    columns = "meeting_id, member_id, status, is_working_member, marked_at, via, tap_id, note"
    per_statement = 500  # 8 parameters a row: under SQLite's 32,766 variable limit
    adapt = connection.ops.adapt_datetimefield_value
    rows: list = []
    done = 0
    with connection.cursor() as cursor:

        def flush(chunk):
            placeholders = ",".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = [value for row in chunk for value in row]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders}", params)

        for m, marks in specs:
            if not marks:
                continue
            marked = adapt(m.planned_at + dt.timedelta(minutes=5))
            for mid, status, is_working in marks:
                rows.append((m.pk, mid, status, is_working, marked, "roll_call", "", ""))
                if len(rows) == per_statement:
                    flush(rows)
                    done += len(rows)
                    rows = []
                    if done % 100_000 == 0:
                        ctx.progress("Điểm danh", done, total)
        if rows:
            flush(rows)


def _minutes_and_ratings(ctx: DemoContext, meetings: list[Meeting], demo_base_path: str):
    rng = ctx.rng
    paths = {c.pk: c.path for c in ctx.residence_cells + ctx.workplace_cells}
    held = [m for m in meetings if m.state == Meeting.State.HELD]
    minutes, ratings, guests, issues = [], [], [], []
    keys = list(CHECK_POINTS)
    for m in held:
        in_demo = paths.get(m.organization_id, "").startswith(demo_base_path)
        if in_demo or rng.random() < 0.05:
            minutes.append(
                Minutes(
                    meeting_id=m.pk,
                    chair="Bí thư chi bộ",
                    secretary="Chi ủy viên",
                    agenda="1. Đánh giá kết quả thực hiện nghị quyết tháng trước.\n"
                    "2. Thông tin thời sự, quán triệt văn bản mới.\n"
                    "3. Phương hướng, nhiệm vụ tháng tới.",
                    content="Đồng chí Bí thư báo cáo kết quả tháng; chi bộ thảo luận.",
                    opinions="Các đồng chí đảng viên phát biểu về vệ sinh môi trường, "
                    "an ninh trật tự khu dân cư.",
                    # One decision a line: each can become a task on the meeting page.
                    resolutions="1. Chi bộ thống nhất giao nhiệm vụ cho từng đảng viên "
                    "phụ trách hộ.\n2. Vận động các hộ giữ vệ sinh đường làng, ngõ xóm.\n"
                    "3. Đảng viên đang công tác tham gia buổi hòa giải ở khu dân cư.",
                    number=f"{m.pk:02d}-BB/CB",
                )
            )
        if in_demo or rng.random() < 0.6:
            checks = [k for k in keys if rng.random() < 0.8]
            score = sum(CHECK_POINTS[k] for k in checks)
            ratings.append(
                Rating(
                    meeting_id=m.pk, by="self", checks=checks, score=score, level=level_for(score)
                )
            )
            if rng.random() < 0.15:
                checks = [k for k in keys if rng.random() < 0.7]
                score = sum(CHECK_POINTS[k] for k in checks)
                ratings.append(
                    Rating(
                        meeting_id=m.pk,
                        by="higher",
                        checks=checks,
                        score=score,
                        level=level_for(score),
                        note="Cần chuẩn bị nội dung kỹ hơn, bám sát tình hình địa phương.",
                    )
                )
        if in_demo and rng.random() < 0.15:
            name, position, org = rng.choice(GUESTS)
            guests.append(
                Guest(meeting_id=m.pk, full_name=name, position=position, organization_name=org)
            )
        if in_demo and rng.random() < 0.12:
            summary, category = rng.choice(ISSUES)
            issues.append(RaisedIssue(meeting_id=m.pk, summary=summary, category=category))
    bulk_create(minutes)
    bulk_create(ratings)
    bulk_create(guests)
    bulk_create(issues)


# ---------------------------------------- national data set (`seed_demo --national`)


def build_national(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
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
