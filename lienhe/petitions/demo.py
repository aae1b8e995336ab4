"""Demo petitions: a year of realistic Vietnamese petitions across the province, in
every state, some overdue, the same issues raised by several cells (clusters), and a
share routed to Sở Xây dựng, whose handler is the demo user `so`."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator

from django.utils import timezone

from lienhe.demo.bulk import bulk_create
from lienhe.demo.context import DemoContext, extender
from lienhe.demo.national import Plan, RowWriter
from lienhe.text import fold

from .models import Agency, Category, Cluster, Petition, PetitionEvent
from .similarity import signature

# Department names after the 2025 merger of provincial departments (Nghị quyết
# 60-NQ/TW and the 2025 restructuring): transport is under Sở Xây dựng; natural resources
# and environment joined agriculture as Sở Nông nghiệp và Môi trường; labour, war
# invalids and merit (người có công) went to Sở Nội vụ.
AGENCIES = [
    ("xd", "Sở Xây dựng", "department", "Xây dựng, giao thông"),
    ("tn", "Sở Nông nghiệp và Môi trường", "department", "Nông nghiệp và Môi trường"),
    ("ld", "Sở Nội vụ", "department", "Nội vụ, lao động, người có công"),
    ("yt", "Sở Y tế", "department", "Y tế"),
    ("gd", "Sở Giáo dục và Đào tạo", "department", "Giáo dục"),
    ("ca", "Công an tỉnh", "department", "Công an"),
    ("dl", "Công ty Điện lực Hà Tĩnh", "company", "Điện lực"),
    ("cn", "Công ty Cổ phần Cấp nước Hà Tĩnh", "company", "Cấp nước"),
    ("mt", "Ủy ban Mặt trận Tổ quốc tỉnh", "mass", "Mặt trận"),
    ("ub", "Ủy ban nhân dân xã/phường", "local", ""),
]

# (category code, agency key, summary template, details) — {place} is filled in.
SINGLE = [
    (
        "infrastructure",
        "xd",
        "Đường bê tông {place} xuống cấp, nhiều ổ gà",
        "Mùa mưa đọng nước, đi lại khó khăn, nhất là học sinh.",
    ),
    (
        "infrastructure",
        "xd",
        "Đề nghị lắp biển báo, gờ giảm tốc tại ngã ba {place}",
        "Đã xảy ra 3 vụ va chạm trong năm.",
    ),
    ("infrastructure", "dl", "Đèn chiếu sáng công cộng {place} hỏng nhiều tháng", ""),
    ("infrastructure", "cn", "Nước sinh hoạt {place} yếu, có lúc mất nước nhiều ngày", ""),
    ("infrastructure", "xd", "Rãnh thoát nước {place} bị tắc, gây ngập khi mưa lớn", ""),
    ("infrastructure", "dl", "Đường dây điện hạ thế {place} võng thấp, mất an toàn", ""),
    (
        "environment",
        "tn",
        "Rác thải tập kết {place} không được thu gom thường xuyên",
        "Mùi hôi ảnh hưởng các hộ xung quanh.",
    ),
    ("environment", "tn", "Cơ sở chế biến hải sản {place} xả nước thải gây ô nhiễm", ""),
    ("environment", "ub", "Đốt rơm rạ sau thu hoạch gây khói bụi {place}", ""),
    (
        "land",
        "tn",
        "Chậm cấp giấy chứng nhận quyền sử dụng đất cho các hộ {place}",
        "Hồ sơ nộp từ năm trước chưa có kết quả.",
    ),
    ("land", "ub", "Tranh chấp ranh giới đất giữa các hộ {place} chưa được hòa giải dứt điểm", ""),
    ("land", "tn", "Lấn chiếm hành lang đường, đất công {place}", ""),
    (
        "social",
        "ld",
        "Chậm giải quyết chế độ chính sách người có công {place}",
        "Thân nhân liệt sĩ đã nộp hồ sơ bổ sung.",
    ),
    ("social", "ld", "Rà soát hộ nghèo, cận nghèo {place} chưa sát thực tế", ""),
    ("social", "yt", "Người cao tuổi {place} chưa được cấp thẻ bảo hiểm y tế", ""),
    ("social", "ld", "Trợ cấp người khuyết tật {place} chi trả chậm", ""),
    ("security", "ca", "Thanh niên tụ tập uống rượu, gây mất trật tự ban đêm {place}", ""),
    ("security", "ca", "Trộm cắp vặt tài sản gia tăng {place}", ""),
    (
        "health-education",
        "gd",
        "Trường mầm non {place} thiếu phòng học, phải học nhờ nhà văn hóa",
        "",
    ),
    ("health-education", "yt", "Trạm y tế {place} thiếu thuốc thiết yếu và bác sĩ trực", ""),
    ("economy", "ub", "Giá vật tư nông nghiệp tăng, đề nghị hỗ trợ vốn vay sản xuất {place}", ""),
    ("administration", "ub", "Thủ tục chứng thực tại bộ phận một cửa {place} còn chậm", ""),
    ("party", "mt", "Đề nghị tổ chức hội nghị đối thoại với nhân dân {place}", ""),
]

# The same issue raised by several cells of one commune: (category, agency, variants).
SHARED = [
    (
        "infrastructure",
        "xd",  # transport is under Sở Xây dựng since the 2025 merger
        [
            "Quốc lộ 8 đoạn qua {commune} xuống cấp nghiêm trọng, nhiều ổ gà",
            "Đề nghị sửa chữa ổ gà trên quốc lộ 8 đoạn qua {commune}",
            "Quốc lộ 8 qua {commune} hư hỏng, ổ gà gây tai nạn",
        ],
    ),
    (
        "infrastructure",
        "xd",
        [
            "Đường liên xã {commune} thi công kéo dài, bụi và lầy lội",
            "Công trình đường liên xã {commune} chậm tiến độ, gây bụi",
            "Đề nghị đẩy nhanh tiến độ thi công đường liên xã {commune}",
        ],
    ),
    (
        "environment",
        "tn",
        [
            "Bãi rác tập trung {commune} quá tải, gây ô nhiễm môi trường",
            "Ô nhiễm môi trường từ bãi rác tập trung {commune}",
            "Bãi rác {commune} bốc mùi hôi, quá tải",
        ],
    ),
    (
        "land",
        "tn",
        [
            "Đền bù giải phóng mặt bằng dự án cao tốc qua {commune} chưa thỏa đáng",
            "Giá đền bù giải phóng mặt bằng cao tốc Bắc - Nam qua {commune} thấp",
            "Người dân {commune} chưa đồng tình mức đền bù giải phóng mặt bằng cao tốc",
        ],
    ),
    (
        "social",
        "ld",
        [
            "Chậm chi trả trợ cấp người có công với cách mạng tại {commune}",
            "Chế độ người có công với cách mạng ở {commune} chi trả chậm",
        ],
    ),
]

ANSWERS = {
    "xd": "Sở Xây dựng đã kiểm tra hiện trường, giao đơn vị quản lý sửa chữa, hoàn thành trước ngày {d}.",
    "tn": "Sở Nông nghiệp và Môi trường đã kiểm tra, xử lý vi phạm và yêu cầu khắc phục trước {d}.",
    "ld": "Sở Nội vụ đã thẩm định hồ sơ; chế độ được chi trả từ ngày {d}.",
    "yt": "Sở Y tế đã điều động bổ sung thuốc và cán bộ trực từ ngày {d}.",
    "gd": "Sở Giáo dục và Đào tạo đưa hạng mục phòng học vào kế hoạch đầu tư năm tới.",
    "ca": "Công an tỉnh đã chỉ đạo công an xã tăng cường tuần tra, xử lý các đối tượng vi phạm.",
    "dl": "Điện lực đã thay thế thiết bị hỏng, khôi phục chiếu sáng ngày {d}.",
    "cn": "Công ty cấp nước đã thay đoạn ống chính, áp lực nước ổn định từ ngày {d}.",
    "mt": "Mặt trận Tổ quốc tỉnh đã phối hợp tổ chức đối thoại, kết quả thông báo tại khu dân cư.",
    "ub": "UBND xã đã họp xử lý, giao công chức chuyên môn giải quyết dứt điểm trước {d}.",
}

PLACES = [
    "ngõ 3",
    "xóm Bắc",
    "xóm Trại",
    "khu chợ",
    "đường vào trường tiểu học",
    "thôn Trung",
    "tổ 5",
    "khu tái định cư",
    "bến đò",
    "đường ven sông",
]


@extender(70)
def build(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    cats = _categories()
    agencies = _agencies(ctx)
    cells = ctx.residence_cells
    if not cells:
        return
    total = min(4000, max(320, len(cells) * 2))
    demo_cell = ctx.extras.get("demo_cell") or cells[0]
    staff = ctx.users.get("xa")
    handler = ctx.users.get("so")
    visitor = ctx.users.get("uyvien")
    commune_of = {
        c.pk: next((b for b in ctx.communes if c.path.startswith(b.path)), None) for c in cells
    }

    specs = []  # (cell, category, agency_key, summary, details, cluster_key)
    for i, commune in enumerate(ctx.communes[: max(3, len(ctx.communes) // 2)]):
        in_commune = [c for c in cells if c.path.startswith(commune.path)]
        if len(in_commune) < 2:
            continue
        code, akey, variants = SHARED[i % len(SHARED)]
        short = commune.name.replace("Đảng bộ ", "")
        chosen = rng.sample(in_commune, min(len(in_commune), rng.randint(3, 6)))
        for j, cell in enumerate(chosen):
            specs.append(
                (cell, code, akey, variants[j % len(variants)].format(commune=short), "", f"{i}")
            )
    while len(specs) < total:
        cell = demo_cell if rng.random() < 0.03 else rng.choice(cells)
        code, akey, tmpl, details = rng.choice(SINGLE)
        if rng.random() < 0.18:  # a good share goes to Sở Xây dựng (demo user so)
            code, akey, tmpl, details = rng.choice([s for s in SINGLE if s[1] == "xd"])
        specs.append((cell, code, akey, tmpl.format(place=rng.choice(PLACES)), details, None))

    now = timezone.now()
    rows, meta = [], []
    for cell, code, akey, summary, details, ckey in specs:
        age = rng.randint(0, 360)
        received = today - dt.timedelta(days=age)
        agency = agencies["ub"] if akey == "ub" else agencies[akey]
        source = rng.choices(["minutes", "visit", "self", "staff"], [55, 15, 10, 20])[0]
        p = Petition(
            organization=cell,
            admin_unit_id=cell.admin_unit_id,
            place=rng.choice(PLACES),
            summary=summary,
            details=details,
            category=cats[code],
            people_count=rng.choice([1, 5, 12, 30, 60, 150]),
            priority=rng.choices(["normal", "high", "urgent"], [80, 15, 5])[0],
            raised_by_kind={
                "minutes": "cell",
                "visit": "visitor",
                "self": "member",
                "staff": "citizen",
            }[source],
            raised_by_name=cell.name if source == "minutes" else "",
            raised_by_user=visitor if source == "visit" else None,
            source_type=source,
            received_on=received,
            created_at=_at(received, 8),
            created_by=staff,
        )
        state = _state(rng, age)
        if state != "new":
            p.agency = agency
            p.assigned_on = min(today, received + dt.timedelta(days=rng.randint(1, 4)))
            p.due_on = p.assigned_on + dt.timedelta(days=15)
        if state in ("answered", "closed", "reopened"):
            lateness = rng.choices([-10, -5, -1, 3, 12], [30, 30, 15, 15, 10])[0]
            day = min(today, max(p.assigned_on, p.due_on + dt.timedelta(days=lateness)))
            p.answered_at = min(now, _at(day, 15))
            p.answered_late = day > p.due_on
            p.answer = ANSWERS[akey].format(d=(day + dt.timedelta(days=20)).strftime("%d/%m/%Y"))
        if state == "closed":
            p.closed_at = min(now, p.answered_at + dt.timedelta(days=rng.randint(3, 30)))
            p.outcome = "accepted"
        if state == "reopened":
            p.reopen_count = 1
            p.assigned_on = min(today, p.answered_at.date() + dt.timedelta(days=rng.randint(5, 20)))
            p.due_on = p.assigned_on + dt.timedelta(days=15)
        if (
            state in ("assigned", "in_progress", "reopened")
            and p.due_on < today
            and rng.random() < 0.7
        ):
            p.escalated_on = p.due_on + dt.timedelta(days=1)
            p.escalated_to_id = commune_of[cell.pk].pk if commune_of[cell.pk] else None
        p.state = state
        p.search_text = fold(f"{p.summary} {p.place} {p.raised_by_name}")
        p.tokens = signature(p.summary)[:400]
        rows.append(p)
        meta.append(ckey)
    _demo_user_cases(ctx, rows, meta, agencies, cats, handler, demo_cell)
    bulk_create(rows)
    _clusters(rows, meta)
    _events(rows, staff, handler)
    ctx.progress("Kiến nghị", len(rows), len(rows))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def _state(rng, age: int) -> str:
    if age < 4:
        return rng.choice(["new", "new", "assigned"])
    if age < 20:
        return rng.choices(["new", "assigned", "in_progress", "answered"], [10, 35, 35, 20])[0]
    if age < 60:
        return rng.choices(
            ["assigned", "in_progress", "answered", "closed", "reopened"], [10, 15, 35, 35, 5]
        )[0]
    if age < 120:
        return rng.choices(["in_progress", "answered", "closed", "reopened"], [4, 16, 75, 5])[0]
    return rng.choices(["answered", "closed"], [10, 90])[0]


def _categories() -> dict[str, Category]:
    """The default taxonomy (a --reset flush empties the table the migration filled)."""
    import importlib

    defaults = importlib.import_module("lienhe.petitions.migrations.0002_categories").CATEGORIES
    for code, name, order in defaults:
        Category.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    return {c.code: c for c in Category.objects.all()}


def _agencies(ctx) -> dict[str, Agency]:
    bases = {b.name: b for b in ctx.workplace_bases}
    out = {}
    for key, name, kind, word in AGENCIES:
        org = next((b for n, b in bases.items() if word and word in n and "đơn vị" not in n), None)
        agency, _created = Agency.objects.get_or_create(
            name=name, defaults={"kind": kind, "organization": org, "short_name": key.upper()}
        )
        out[key] = agency
    so = ctx.users.get("so")
    if so is not None:
        out["xd"].handlers.add(so)  # explicit handler, whatever the demo tree's size
    return out


def _demo_user_cases(ctx, rows, meta, agencies, cats, handler, demo_cell) -> None:
    """Hand-picked petitions so every demo user has something to do."""
    today = ctx.today
    dangvien = ctx.users.get("dangvien")
    uyvien = ctx.users.get("uyvien")
    answered_recently = Petition(
        organization=demo_cell,
        admin_unit_id=demo_cell.admin_unit_id,
        summary="Đường vào nhà văn hóa thôn xuống cấp, đề nghị bê tông hóa",
        details="Đoạn 250 m, mùa mưa trơn trượt.",
        category=cats["infrastructure"],
        people_count=120,
        source_type="minutes",
        raised_by_kind="cell",
        raised_by_name=demo_cell.name,
        received_on=today - dt.timedelta(days=25),
        created_at=_at(today - dt.timedelta(days=25), 9),
        agency=agencies["xd"],
        assigned_on=today - dt.timedelta(days=23),
        due_on=today - dt.timedelta(days=8),
        state="answered",
        answer="Sở Xây dựng thống nhất đưa vào kế hoạch sửa chữa quý tới; UBND xã đối ứng 30%.",
        answered_at=timezone.now() - dt.timedelta(days=9),
    )
    overdue_so = Petition(
        organization=demo_cell,
        admin_unit_id=demo_cell.admin_unit_id,
        summary="Nhà văn hóa thôn bị dột, tường nứt sau bão",
        category=cats["infrastructure"],
        people_count=200,
        priority="high",
        source_type="visit",
        raised_by_kind="visitor",
        raised_by_user=uyvien,
        raised_by_name=uyvien.display_name if uyvien else "",
        received_on=today - dt.timedelta(days=30),
        created_at=_at(today - dt.timedelta(days=30), 9),
        agency=agencies["xd"],
        assigned_on=today - dt.timedelta(days=28),
        due_on=today - dt.timedelta(days=13),
        state="in_progress",
    )
    fresh_so = Petition(
        organization=demo_cell,
        admin_unit_id=demo_cell.admin_unit_id,
        summary="Cấp phép xây dựng nhà ở riêng lẻ còn chậm",
        category=cats["administration"],
        source_type="minutes",
        raised_by_kind="cell",
        received_on=today - dt.timedelta(days=3),
        created_at=_at(today - dt.timedelta(days=3), 9),
        agency=agencies["xd"],
        assigned_on=today - dt.timedelta(days=2),
        due_on=today + dt.timedelta(days=13),
        state="assigned",
    )
    extra = [answered_recently, overdue_so, fresh_so]
    if dangvien is not None and dangvien.member_id:
        extra.append(
            Petition(
                organization=dangvien.member.organization,
                summary="Đề nghị bố trí chỗ để xe cho người dân đến làm thủ tục",
                category=cats["administration"],
                source_type="self",
                raised_by_kind="member",
                raised_by_member_id=dangvien.member_id,
                raised_by_user=dangvien,
                raised_by_name=dangvien.member.full_name,
                received_on=today - dt.timedelta(days=6),
                created_at=_at(today - dt.timedelta(days=6), 9),
            )
        )
    for p in extra:
        p.search_text = fold(f"{p.summary} {p.place} {p.raised_by_name}")
        p.tokens = signature(p.summary)
        rows.append(p)
        meta.append(None)


def _clusters(rows, meta) -> None:
    groups: dict[str, list[Petition]] = {}
    for p, key in zip(rows, meta, strict=True):
        if key is not None:
            groups.setdefault(key, []).append(p)
    for members in groups.values():
        if len(members) < 2:
            continue
        cluster = Cluster.objects.create(
            title=members[0].summary,
            category=members[0].category,
            size=len(members),
            cells=len({p.organization_id for p in members}),
            people=sum(p.people_count for p in members),
        )
        Petition.objects.filter(pk__in=[p.pk for p in members]).update(cluster=cluster)


def _events(rows, staff, handler) -> None:
    E = PetitionEvent.Kind
    events = []
    for p in rows:
        events.append(
            PetitionEvent(
                petition_id=p.pk,
                kind=E.CREATED,
                at=p.created_at,
                actor=staff,
                data={"source": p.source_type},
            )
        )
        if p.assigned_on:
            events.append(
                PetitionEvent(
                    petition_id=p.pk,
                    kind=E.ASSIGNED,
                    at=_at(p.assigned_on, 10),
                    actor=staff,
                    data={"agency": p.agency.name, "due_on": f"{p.due_on:%d/%m/%Y}"},
                )
            )
        if p.answered_at:
            who = handler if p.agency and p.agency.short_name == "XD" else None
            events.append(
                PetitionEvent(
                    petition_id=p.pk, kind=E.ANSWERED, at=p.answered_at, actor=who, note=p.answer
                )
            )
        if p.closed_at:
            events.append(PetitionEvent(petition_id=p.pk, kind=E.CLOSED, at=p.closed_at))
        if p.escalated_on:
            events.append(
                PetitionEvent(
                    petition_id=p.pk,
                    kind=E.ESCALATED,
                    at=_at(p.escalated_on, 6),
                    data={"days_late": 1},
                )
            )
    bulk_create(events)


# ---------------------------------------- national data set (`seed_demo --national`)

PETITIONS_PER_MEMBER = 0.01  # a year


PETITION_TEXTS = [
    ("Đường bê tông ngõ xóm xuống cấp, đề nghị sửa chữa", "infrastructure"),
    ("Đèn chiếu sáng đường liên thôn hỏng nhiều tháng", "infrastructure"),
    ("Rác thải sinh hoạt chưa được thu gom thường xuyên", "environment"),
    ("Chậm cấp giấy chứng nhận quyền sử dụng đất", "land"),
    ("Tình trạng xe quá tải chạy qua khu dân cư", "security"),
    ("Đề nghị hỗ trợ giống cây trồng sau lũ", "economy"),
    ("Chế độ cho người có công chậm chi trả", "social"),
]


def build_national(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
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
