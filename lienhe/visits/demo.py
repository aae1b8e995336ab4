"""Demo: the province committee (Ban Chấp hành Đảng bộ tỉnh) with ~41 members in realistic
positions, a year of assignments and visits (done with reports, some late, some missed
and rescheduled, some awaiting their report, the rest planned), linked to the cells'
meetings. `uyvien` holds an executive-committee seat with a bit of everything."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lienhe.demo.context import DemoContext, extender
from lienhe.demo.national import Plan, RowWriter, _at, _months_back
from lienhe.demo.province import _person
from lienhe.meetings.services import meeting_date as cell_meeting_date
from lienhe.members.models import Member
from lienhe.text import fold

from .models import (
    Committee,
    CommitteeMember,
    HeardPetition,
    MissReason,
    Position,
    Visit,
    VisitAssignment,
    VisitReport,
)
from .services import meeting_date

OFFICERS = [
    "Bí thư Tỉnh ủy",
    "Phó Bí thư Thường trực Tỉnh ủy",
    "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh",
    "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh",
]
STANDING = [
    "Trưởng Ban Tổ chức Tỉnh ủy",
    "Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy",
    "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Chánh Văn phòng Tỉnh ủy",
    "Phó Chủ tịch Thường trực UBND tỉnh",
    "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh",
    "Giám đốc Công an tỉnh",
    "Trưởng Ban Nội chính Tỉnh ủy",
    "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    "Phó Chủ tịch UBND tỉnh",
    "Bí thư Đảng ủy các cơ quan tỉnh",
]
EXECUTIVE = [
    "Giám đốc Sở Nông nghiệp và Môi trường",
    "Giám đốc Sở Xây dựng",
    "Giám đốc Sở Y tế",
    "Giám đốc Sở Giáo dục và Đào tạo",
    "Giám đốc Sở Tài chính",
    "Giám đốc Sở Nội vụ",
    "Giám đốc Sở Văn hóa, Thể thao và Du lịch",
    "Chủ tịch Liên đoàn Lao động tỉnh",
    "Bí thư Tỉnh đoàn",
    "Chủ tịch Hội Nông dân tỉnh",
    "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh",
    "Phó Trưởng Ban Tổ chức Tỉnh ủy",
    "Tổng Biên tập Báo Hà Tĩnh",
    "Giám đốc Sở Tư pháp",
    "Chánh án Tòa án nhân dân tỉnh",
    "Viện trưởng Viện Kiểm sát nhân dân tỉnh",
]
CONTENTS = [
    "Đánh giá kết quả thực hiện nghị quyết tháng trước; triển khai nhiệm vụ tháng; "
    "quán triệt chủ trương sắp xếp đơn vị hành chính và xây dựng nông thôn mới kiểu mẫu.",
    "Sinh hoạt chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; "
    "bàn giải pháp phát triển kinh tế hộ, chuyển đổi cây trồng.",
    "Thông tin thời sự trong nước, quốc tế; đánh giá công tác phòng chống thiên tai; "
    "phân công đảng viên phụ trách hộ gia đình.",
    "Kiểm điểm việc thực hiện Quy định 213-QĐ/TW với đảng viên đang công tác; "
    "bàn kế hoạch làm đường giao thông nông thôn.",
]
OBSERVATIONS = [
    "Chi bộ sinh hoạt đúng quy trình, nội dung sát thực tế; đảng viên phát biểu sôi nổi.",
    "Chuẩn bị nội dung còn sơ sài; cần có dự thảo nghị quyết trước buổi sinh hoạt.",
    "Tỷ lệ đảng viên dự cao; kết luận rõ việc, rõ người; biên bản ghi đầy đủ.",
    "Đảng viên cao tuổi nhiều, ít ý kiến; cần đổi mới cách điều hành để thảo luận dân chủ hơn.",
]
PETITIONS = [
    ("Đường liên thôn bị sạt lở sau mưa lũ, đề nghị sớm khắc phục", "Giao thông"),
    ("Đề nghị hỗ trợ giống cây trồng sau thiên tai", "Nông nghiệp"),
    ("Nước sinh hoạt thiếu vào mùa khô, đề nghị đầu tư hệ thống nước sạch", "Hạ tầng"),
    ("Chậm cấp giấy chứng nhận quyền sử dụng đất cho các hộ", "Đất đai"),
    ("Đề nghị tăng cường chiếu sáng đường thôn", "Hạ tầng"),
    ("Trạm y tế thiếu bác sĩ, đề nghị bố trí thêm", "Y tế"),
    ("Đề nghị hỗ trợ kinh phí sửa chữa nhà văn hóa thôn", "Văn hóa"),
]
CRITERIA_GOOD = [
    "prep_agenda",
    "prep_notice",
    "prep_docs",
    "content_review",
    "content_local",
    "content_info",
    "part_attendance",
    "part_opinions",
    "res_clear",
    "res_minutes",
    "res_time",
]


@extender(55)
def seed_visits(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    year = today.year
    if not ctx.residence_cells or not ctx.communes:
        return
    committee = Committee.objects.create(
        organization=ctx.province,
        name="Ban Chấp hành Đảng bộ tỉnh Hà Tĩnh",
        term="Khóa XX, nhiệm kỳ 2025–2030",
        term_start=dt.date(2025, 10, 1),
        term_end=dt.date(2030, 9, 30),
    )
    uyvien = ctx.users.get("uyvien")
    uyvien_member_id = getattr(uyvien, "member_id", None)
    people = list(
        Member.objects.filter(organization__in=ctx.workplace_cells, status="active")
        .exclude(pk=uyvien_member_id)
        .order_by("pk")
        .values_list("pk", "full_name")[:60]
    )
    communes = list(ctx.communes)
    heads = communes[: min(10, len(communes))]
    seats: list[CommitteeMember] = []
    units_of: dict[int, list] = {}

    def seat(position, title, i, heads_unit=None, user=None, member=None):
        pk, name = member or people[i % len(people)]
        seats.append(
            CommitteeMember(
                committee=committee,
                member_id=pk,
                user=user,
                full_name=name,
                search_name="",
                title=title,
                position=position,
                heads_unit=heads_unit,
            )
        )

    n = 0
    for title in OFFICERS:
        seat(Position.STANDING_OFFICER, title, n)
        n += 1
    for title in STANDING:
        seat(Position.STANDING_COMMITTEE, title, n)
        n += 1
    for unit in heads:
        seat(Position.EXECUTIVE_COMMITTEE, f"Bí thư {unit.name.removeprefix('Đảng bộ ')}", n, unit)
        n += 1
    for title in EXECUTIVE:
        seat(Position.EXECUTIVE_COMMITTEE, title, n)
        n += 1
    if uyvien is not None and uyvien_member_id:
        member = Member.objects.get(pk=uyvien_member_id)
        seat(
            Position.EXECUTIVE_COMMITTEE,
            "Tỉnh ủy viên, " + (member.employer or "Giám đốc Sở"),
            0,
            user=uyvien,
            member=(member.pk, member.full_name),
        )
    from lienhe.text import fold

    for s in seats:
        s.search_name = fold(s.full_name)
    CommitteeMember.objects.bulk_create(seats)
    seats = list(committee.committee_members.order_by("pk"))
    # Standing-committee members: two or three communes each, round-robin.
    through = CommitteeMember.units_in_charge.through
    links = []
    standing = [s for s in seats if s.position == Position.STANDING_COMMITTEE]
    for i, s in enumerate(standing):
        units = [communes[(i * 2 + k) % len(communes)] for k in range(2 if i % 3 else 3)]
        units = list({u.pk: u for u in units}.values())
        units_of[s.pk] = units
        links += [through(committeemember_id=s.pk, organization_id=u.pk) for u in units]
    through.objects.bulk_create(links)

    cells_by_commune: dict[str, list] = {}
    for cell in ctx.residence_cells:
        for commune in communes:
            if cell.path.startswith(commune.path):
                cells_by_commune.setdefault(commune.path, []).append(cell)
                break

    def pool(s: CommitteeMember) -> list:
        if s.position == Position.STANDING_OFFICER:
            return ctx.residence_cells
        if s.position == Position.STANDING_COMMITTEE:
            return [c for u in units_of[s.pk] for c in cells_by_commune.get(u.path, [])]
        if s.heads_unit_id:
            return cells_by_commune.get(s.heads_unit.path, [])
        return ctx.residence_cells

    taken: set[tuple[int, dt.date]] = set()
    busy: set[tuple[int, dt.date]] = set()
    assignments: list[VisitAssignment] = []
    plan: list[tuple[CommitteeMember, object, dt.date, str]] = []
    for s in seats:
        cells = pool(s)
        if not cells:
            continue
        # Remote cells first, then others (Quy định 1120: quan tâm chi bộ vùng sâu, vùng xa).
        remote = [c for c in cells if c.is_remote]
        others = [c for c in cells if not c.is_remote]
        rng.shuffle(remote)
        rng.shuffle(others)
        ordered = remote[:2] + others + remote[2:]
        minimum = {"standing_officer": 2, "standing_committee": 2}.get(s.position, 3)
        is_uyvien = uyvien is not None and s.user_id == uyvien.pk
        count = 5 if is_uyvien else minimum + rng.choice([0, 0, 1, 1, 2])
        chosen = ordered[: max(1, min(count, len(ordered)))]
        if s.position == Position.EXECUTIVE_COMMITTEE and not s.heads_unit_id:
            assignments += [VisitAssignment(committee_member=s, year=year, cell=c) for c in chosen]
        months = sorted(rng.sample(range(1, 13), k=min(count, 12)))
        for k, month in enumerate(months):
            cell = chosen[k % len(chosen)]
            if is_uyvien:
                # done, done-late, missed (rescheduled), awaiting its report, upcoming
                on = _uyvien_dates(cell, today)[k]
            else:
                on = meeting_date(cell, year, month)
            while (cell.pk, on) in taken or (s.pk, on) in busy:
                on += dt.timedelta(days=1)
            taken.add((cell.pk, on))
            busy.add((s.pk, on))
            plan.append((s, cell, on, f"{k}" if is_uyvien else ""))
    VisitAssignment.objects.bulk_create(assignments, ignore_conflicts=True)

    visits: list[Visit] = []
    outcomes: list[str] = []
    for s, cell, on, tag in plan:
        if on >= today:
            outcome = "planned"
        elif tag:
            outcome = {"0": "done", "1": "late", "2": "missed", "3": "awaiting"}.get(tag, "done")
        else:
            r = rng.random()
            recent = (today - on).days <= 30
            if recent and r < 0.35:
                outcome = "awaiting"
            elif r < 0.10:
                outcome = "missed"
            elif r < 0.24:
                outcome = "late"
            else:
                outcome = "done"
        state = {"planned": "planned", "awaiting": "planned", "missed": "missed"}.get(
            outcome, "done"
        )
        reason = ""
        note = ""
        if state == "missed":
            reason = rng.choice(
                [MissReason.BUSINESS_TRIP] * 3
                + [MissReason.URGENT_WORK] * 2
                + [MissReason.ILLNESS, MissReason.MEETING_MOVED]
            )
            note = {
                MissReason.BUSINESS_TRIP: "Đi công tác Hà Nội theo lịch của tỉnh",
                MissReason.URGENT_WORK: "Họp đột xuất xử lý thiên tai",
            }.get(reason, "")
        visits.append(
            Visit(
                committee_member=s,
                cell=cell,
                planned_on=on,
                year=on.year,
                state=state,
                miss_reason=reason,
                miss_note=note,
            )
        )
        outcomes.append(outcome)
    Visit.objects.bulk_create(visits, batch_size=1000)

    # Half of the misses were rescheduled to a later meeting of the same cell.
    resched: list[tuple[Visit, Visit]] = []
    for v in visits:
        if v.state != "missed" or not (rng.random() < 0.5 or v.committee_member.user_id):
            continue
        later = v.planned_on
        for _ in range(3):
            month = later.month % 12 + 1
            if month == 1:
                break
            later = meeting_date(v.cell, year, month)
            if (v.cell_id, later) not in taken and (v.committee_member.pk, later) not in busy:
                break
        if (
            later <= v.planned_on
            or (v.cell_id, later) in taken
            or (v.committee_member.pk, later) in busy
        ):
            continue
        taken.add((v.cell_id, later))
        busy.add((v.committee_member.pk, later))
        new = Visit(
            committee_member=v.committee_member,
            cell=v.cell,
            planned_on=later,
            year=later.year,
            state="planned" if later >= today - dt.timedelta(days=3) else "done",
        )
        resched.append((v, new))
    Visit.objects.bulk_create([n for _v, n in resched])
    for v, n in resched:
        v.rescheduled_to = n
    Visit.objects.bulk_update([v for v, _n in resched], ["rescheduled_to"])

    _link_meetings_and_reports(ctx, committee, visits, outcomes, resched)
    ctx.extras["visits_committee"] = committee
    ctx.progress("Dự sinh hoạt", 1, 1)


def _uyvien_dates(cell, today: dt.date) -> list[dt.date]:
    """uyvien's five visits: two done (one reported late), one missed on a business trip
    and rescheduled, one a few days ago still waiting for its report, one in a few days."""
    year = today.year
    past = [meeting_date(cell, year, max(1, today.month - k)) for k in (8, 6, 4)]
    return [*past, today - dt.timedelta(days=4), today + dt.timedelta(days=3)]


def _link_meetings_and_reports(ctx, committee, visits, outcomes, resched) -> None:
    from lienhe.meetings.models import Guest, Meeting

    rng, today = ctx.rng, ctx.today
    all_visits = visits + [n for _v, n in resched]
    all_outcomes = outcomes + ["done" if n.state == "done" else "planned" for _v, n in resched]
    cell_ids = {v.cell_id for v in all_visits}
    by_day: dict[tuple[int, dt.date], Meeting] = {}
    for m in Meeting.objects.filter(organization_id__in=cell_ids, year=today.year).exclude(
        state="cancelled"
    ):
        by_day.setdefault((m.organization_id, timezone.localtime(m.planned_at).date()), m)
    linked = []
    for v in all_visits:
        m = by_day.get((v.cell_id, v.planned_on))
        if m is not None:
            v.meeting_id = m.pk
            linked.append(v)
    Visit.objects.bulk_update(linked, ["meeting"], batch_size=1000)

    reports: list[VisitReport] = []
    guests: list[Guest] = []
    number = 0
    for v, outcome in zip(all_visits, all_outcomes, strict=True):
        if v.state != "done":
            continue
        number += 1
        days_late = rng.randint(2, 15) if outcome == "late" else 0
        filed = v.planned_on + dt.timedelta(
            days=(7 + days_late) if days_late else rng.randint(0, 5)
        )
        filed = min(filed, today)
        good = rng.random()
        criteria = CRITERIA_GOOD if good > 0.3 else CRITERIA_GOOD[: rng.randint(4, 8)]
        score_level = (
            "good"
            if len(criteria) == len(CRITERIA_GOOD)
            else ("fair" if len(criteria) >= 7 else "average")
        )
        _f, chair = _person(rng, today)
        total = rng.randint(18, 45)
        reports.append(
            VisitReport(
                visit=v,
                attended_on=v.planned_on,
                chair=chair,
                members_total=total,
                members_present=total - rng.randint(0, 6),
                content=rng.choice(CONTENTS),
                observations=rng.choice(OBSERVATIONS),
                criteria=criteria,
                quality=score_level,
                opinions="Đảng viên và nhân dân phản ánh một số khó khăn ở địa phương.",
                resolved_on_spot="Giải đáp chính sách hỗ trợ sản xuất; chỉ đạo xã kiểm tra hiện trường."
                if rng.random() < 0.5
                else "",
                recommendations="Đề nghị các sở, ngành liên quan phối hợp giải quyết kiến nghị."
                if rng.random() < 0.6
                else "",
                number=f"{number}-BC/DSH",
                filed_at=timezone.make_aware(dt.datetime.combine(filed, dt.time(16, 30))),
                filed_by=v.committee_member.user,
                days_late=days_late,
            )
        )
        if v.meeting_id:
            cm = v.committee_member
            guests.append(
                Guest(
                    meeting_id=v.meeting_id,
                    full_name=cm.full_name,
                    position=cm.title,
                    organization_name=committee.name,
                    user_id=cm.user_id,
                )
            )
    VisitReport.objects.bulk_create(reports, batch_size=1000)
    heard = []
    for r in reports:
        if rng.random() < 0.45:
            for summary, category in rng.sample(PETITIONS, k=rng.choice([1, 1, 2])):
                heard.append(HeardPetition(report=r, summary=summary, category=category))
    HeardPetition.objects.bulk_create(heard, batch_size=1000)
    Guest.objects.bulk_create(guests, batch_size=1000)
    # For lienhe.petitions' demo (runs later): petitions heard on visits.
    ctx.extras["visits_heard_petitions"] = [h.pk for h in heard]


# ---------------------------------------- national data set (`seed_demo --national`)


def build_national(ctx: DemoContext, writer: RowWriter, plan: Plan) -> None:
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
            planned = cell_meeting_date(y, m, cell.meeting_day or 5)
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
