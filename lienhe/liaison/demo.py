"""Demo letters in every state over the year, groups, tasks and threads (bulk writes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count

from lienhe.demo.bulk import bulk_create
from lienhe.demo.context import DemoContext, extender
from lienhe.demo.national import Plan, RowWriter
from lienhe.documents.models import DocumentNumber
from lienhe.orgs.models import Organization

from .models import Introduction, LocalTask, ThreadMessage

HANDIN_DAYS = 30  # the Policy default (Hướng dẫn 33-HD/BTCTW)
GROUP_SIZE = 15
BUSY_CELLS_WITH_GROUPS = 40

# (state, weight) for working members elsewhere in the province. About 6 in 10 keep
# ties; the rest are the failures seed 000/003 describe (late or missing letters).
OUTCOMES = [
    ("none", 9),
    ("draft", 4),
    ("issued", 14),
    ("handed_in", 8),
    ("active", 56),
    ("active_exempt", 3),
    ("exempt", 2),
    ("closed", 4),
]
# The demo cell (bithu) gets a richer mix so every screen has something to show.
DEMO_CELL_OUTCOMES = [
    ("issued", 18),
    ("handed_in", 14),
    ("active", 60),
    ("active_exempt", 4),
    ("closed", 4),
]
TASKS = [
    ("campaign", "Tuyên truyền, vận động nhân dân tham gia bầu cử"),
    ("volunteer", "Ra quân tổng vệ sinh môi trường khu dân cư"),
    ("fund", "Vận động đóng góp Quỹ khuyến học của tổ dân phố"),
    ("mediation", "Tham gia tổ hòa giải vụ tranh chấp lối đi chung"),
    ("security", "Phối hợp tuần tra an ninh trật tự dịp Tết"),
    ("volunteer", "Tham gia xây dựng nhà văn hóa tổ dân phố"),
    ("campaign", "Vận động hộ gia đình phân loại rác tại nguồn"),
]
MESSAGES_RESIDENCE = [
    "Đồng chí tham gia đầy đủ buổi gặp mặt đầu năm, có nhiều ý kiến đóng góp.",
    "Đồng chí chưa tham gia sinh hoạt tháng này, đề nghị cơ quan nhắc nhở.",
    "Gia đình đồng chí gương mẫu thực hiện quy ước của khu dân cư.",
    "Đề nghị cơ quan tạo điều kiện để đồng chí dự buổi sinh hoạt cuối năm.",
]
MESSAGES_WORKPLACE = [
    "Cảm ơn chi bộ, cơ quan đã nhắc nhở đồng chí.",
    "Đồng chí đang đi công tác dài ngày, sẽ về sinh hoạt từ tháng sau.",
    "Đề nghị chi bộ gửi nhận xét trước ngày 30/11 để kịp đánh giá cuối năm.",
]
# (group of Hướng dẫn 33-HD/BTCTW mục 1.1, details)
EXEMPT_REASONS = [
    ("barracks", "Sĩ quan quân đội ở trong doanh trại"),
    ("study", "Đi học tập trung dài hạn tại Học viện Chính trị quốc gia"),
    ("study", "Đi học xa nhà (nghiên cứu sinh ở nước ngoài)"),
]
# mục 1.2: exempt from introduction.
SPECIAL_DUTY = "Đơn vị thường trực sẵn sàng chiến đấu"
CLOSED = [("moved", "chuyển về nơi cư trú mới"), ("retired", "nghỉ hưu"), ("transferred", "")]


def _pick(rng, pairs):
    total = sum(w for _, w in pairs)
    roll = rng.uniform(0, total)
    for value, weight in pairs:
        roll -= weight
        if roll <= 0:
            return value
    return pairs[-1][0]


@extender(30)
def seed_liaison(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    if not ctx.working_home_cells:
        return
    base_of: dict[int, Organization] = {}
    for cell in ctx.workplace_cells:
        for base in ctx.workplace_bases:
            if cell.path.startswith(base.path):
                base_of[cell.pk] = base
                break
    from lienhe.members.models import Member

    member_cells = dict(
        Member.objects.filter(pk__in=list(ctx.working_home_cells)).values_list(
            "pk", "organization_id"
        )
    )
    demo_cell = ctx.extras["demo_cell"]
    dangvien = ctx.users.get("dangvien")
    special = dangvien.member_id if dangvien is not None else None
    numbers: dict[tuple[int, int], int] = {}
    plans = []
    for member_id, home_cell_id in sorted(ctx.working_home_cells.items()):
        base = base_of.get(member_cells.get(member_id))
        if base is None:
            continue
        in_demo = home_cell_id == demo_cell.pk
        outcome = _pick(rng, DEMO_CELL_OUTCOMES if in_demo else OUTCOMES)
        if member_id == special:
            outcome = "active"
        if outcome == "none":
            continue
        if outcome == "issued":
            issued = today - dt.timedelta(days=rng.randint(3, 75))  # many past the deadline
        else:
            issued = today - dt.timedelta(days=rng.randint(35, 320))
        plans.append((member_id, home_cell_id, base, outcome, issued, in_demo))
    docs = []
    for _member, _cell, base, outcome, issued, _in_demo in sorted(plans, key=lambda p: p[4]):
        if outcome in ("draft", "exempt"):
            continue
        key = (base.pk, issued.year)
        numbers[key] = numbers.get(key, 0) + 1
        docs.append(
            DocumentNumber(
                organization_id=base.pk,
                year=issued.year,
                kind="GGT",
                number=numbers[key],
                symbol="GGT/ĐU",
                title="Giới thiệu đảng viên về sinh hoạt nơi cư trú",
                object_type="liaison.introduction",
                issued_on=issued,
            )
        )
    bulk_create(docs)
    doc_ids = {
        (d.organization_id, d.issued_on, d.number): (d.pk, d.display)
        for d in DocumentNumber.objects.filter(kind="GGT").only(
            "pk", "organization_id", "issued_on", "number", "symbol"
        )
    }
    doc_iter = iter(sorted(doc_ids.items(), key=lambda kv: (kv[0][1], kv[0][2])))
    by_key: dict[tuple[int, dt.date], list[tuple[int, str]]] = {}
    for (org_id, issued_on, _n), value in doc_iter:
        by_key.setdefault((org_id, issued_on), []).append(value)

    letters = []
    for member_id, cell_id, base, outcome, issued, _in_demo in plans:
        intro = Introduction(
            member_id=member_id,
            workplace_org_id=base.pk,
            residence_org_id=cell_id,
            state=outcome if outcome in ("draft", "issued", "handed_in") else "active",
        )
        if outcome == "exempt":
            intro.state = "exempt"
            intro.exemption = "introduction"
            rng.choice(EXEMPT_REASONS)  # keeps the seeded sequence of draws
            intro.exemption_group, intro.exemption_reason = "special_duty", SPECIAL_DUTY
            intro.exempt_from = issued
        elif outcome != "draft":
            doc_pk, display = by_key[(base.pk, issued)].pop()
            intro.document_id, intro.number = doc_pk, display
            intro.issued_on = issued
            intro.due_on = issued + dt.timedelta(days=HANDIN_DAYS)
            if intro.due_on < today and outcome == "issued":
                intro.overdue_flagged_on = intro.due_on + dt.timedelta(days=1)
            if outcome != "issued":
                late = rng.random() < 0.2
                delay = (
                    rng.randint(HANDIN_DAYS + 1, HANDIN_DAYS + 25)
                    if late
                    else rng.randint(2, HANDIN_DAYS)
                )
                intro.handed_in_on = min(issued + dt.timedelta(days=delay), today)
            if outcome == "handed_in":
                # Letters wait days, not months, for the cell to receive them; a few wait
                # past a week (the board's red flag). No rng draw: the rest stays as seeded.
                recent = today - dt.timedelta(days=member_id % 11)
                intro.handed_in_on = max(intro.handed_in_on, recent)
            if outcome in ("active", "active_exempt", "closed"):
                intro.accepted_on = intro.handed_in_on
            if outcome == "active_exempt":
                intro.exemption = "residence"
                intro.exemption_group, intro.exemption_reason = rng.choice(EXEMPT_REASONS)
                intro.exempt_from = intro.handed_in_on
            if outcome == "closed":
                reason, note = rng.choice(CLOSED)
                intro.state = "closed"
                intro.closed_reason = reason
                intro.closed_note = note
                start = intro.handed_in_on + dt.timedelta(days=1)
                intro.closed_on = min(start + dt.timedelta(days=rng.randint(10, 120)), today)
        letters.append(intro)
    bulk_create(letters)
    ctx.progress("Giấy giới thiệu", 1, 2)
    _groups(ctx, demo_cell)
    _tasks_and_threads(ctx, demo_cell)
    ctx.progress("Giấy giới thiệu", 2, 2)


def _groups(ctx: DemoContext, demo_cell: Organization) -> None:
    """Split the busiest cells (and the demo cell) into groups of ~15."""
    from lienhe.orgs.services import create_organization

    busy = (
        Introduction.objects.filter(state__in=Introduction.LIVE_STATES)
        .values("residence_org_id")
        .annotate(n=Count("id"))
        .filter(n__gt=GROUP_SIZE)
        .order_by("-n")
    )
    cell_ids = [row["residence_org_id"] for row in busy[:BUSY_CELLS_WITH_GROUPS]]
    if demo_cell.pk not in cell_ids:
        cell_ids.append(demo_cell.pk)
    for cell in Organization.objects.filter(pk__in=cell_ids):
        letter_ids = list(
            Introduction.objects.filter(residence_org=cell, state="active")
            .order_by("member__search_name")
            .values_list("pk", flat=True)
        )
        if not letter_ids:
            continue
        n_groups = (
            max(2, -(-len(letter_ids) // GROUP_SIZE))
            if cell == demo_cell
            else -(-len(letter_ids) // GROUP_SIZE)
        )
        # the demo cell leaves a few members ungrouped so the split hint shows
        keep_out = 3 if cell.pk == demo_cell.pk else 0
        for g in range(n_groups):
            group = create_organization(
                parent=cell,
                kind="group",
                side="residence",
                code=f"{cell.code}-T{g + 1:02d}",
                name=f"Tổ đảng viên đang công tác số {g + 1}",
                admin_unit_id=cell.admin_unit_id,
            )
            chunk = letter_ids[keep_out:][g::n_groups]
            Introduction.objects.filter(pk__in=chunk).update(group=group)


def _tasks_and_threads(ctx: DemoContext, demo_cell: Organization) -> None:
    rng, today = ctx.rng, ctx.today
    officer = ctx.users.get("bithu")
    staff = ctx.users.get("coquan")
    tasks, messages = [], []
    rows = Introduction.objects.exclude(state__in=["draft", "exempt"]).values_list(
        "pk",
        "state",
        "residence_org_id",
        "issued_on",
        "due_on",
        "handed_in_on",
        "closed_on",
        "number",
        "overdue_flagged_on",
        "exemption",
    )
    for pk, state, cell_id, issued, due, handed, closed, number, flagged, exemption in rows:
        in_demo = cell_id == demo_cell.pk
        messages.append(
            ThreadMessage(
                introduction_id=pk,
                side="system",
                event="issued",
                body=f"Cấp giấy giới thiệu số {number} ngày {issued:%d/%m/%Y}; hạn nộp {due:%d/%m/%Y}.",
            )
        )
        if flagged:
            messages.append(
                ThreadMessage(
                    introduction_id=pk,
                    side="system",
                    event="overdue",
                    body=f"Quá hạn nộp giấy (hạn {due:%d/%m/%Y}); đã báo nơi công tác.",
                )
            )
        if handed:
            late = f" (chậm {(handed - due).days} ngày)" if handed > due else ""
            messages.append(
                ThreadMessage(
                    introduction_id=pk,
                    side="system",
                    event="handed_in",
                    body=f"Chi bộ nơi cư trú xác nhận đảng viên đã nộp giấy ngày {handed:%d/%m/%Y}{late}.",
                )
            )
        if state == "active" and not exemption and (in_demo or rng.random() < 0.15):
            for _ in range(rng.randint(1, 3) if in_demo else 1):
                kind, title = rng.choice(TASKS)
                assigned = max(handed, today - dt.timedelta(days=rng.randint(0, 200)))
                due_task = assigned + dt.timedelta(days=rng.randint(5, 40))
                done = due_task < today and rng.random() < 0.8
                # In the demo cell a few recent tasks still wait for their result (the
                # secretary's "tasks overdue" on the home page); elsewhere they are closed.
                closed_before = today - dt.timedelta(days=14 if in_demo else 0)
                status = "done" if done else ("not_done" if due_task < closed_before else "open")
                tasks.append(
                    LocalTask(
                        introduction_id=pk,
                        kind=kind,
                        title=title,
                        assigned_on=assigned,
                        due_on=due_task,
                        status=status,
                        completed_on=due_task if done else None,
                        outcome="Hoàn thành tốt" if done else "",
                        assigned_by=officer if in_demo else None,
                    )
                )
            if in_demo:
                messages.append(
                    ThreadMessage(
                        introduction_id=pk,
                        side="residence",
                        author=officer,
                        body=rng.choice(MESSAGES_RESIDENCE),
                    )
                )
                if rng.random() < 0.6:
                    messages.append(
                        ThreadMessage(
                            introduction_id=pk,
                            side="workplace",
                            author=staff,
                            body=rng.choice(MESSAGES_WORKPLACE),
                        )
                    )
        if closed:
            messages.append(
                ThreadMessage(
                    introduction_id=pk,
                    side="system",
                    event="closed",
                    body=f"Kết thúc giữ mối liên hệ ngày {closed:%d/%m/%Y}.",
                )
            )
        if len(messages) > 5000:
            bulk_create(messages)
            messages.clear()
    bulk_create(messages)
    bulk_create(tasks)


# ---------------------------------------- national data set (`seed_demo --national`)


def build_national(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
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
