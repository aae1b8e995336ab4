"""Issue 20, the meeting journey at 390×844, by taps on visible elements only (no typed
URL after the login): the cell secretary schedules a meeting with working members,
takes the roll call with "Tất cả có mặt" and one exception, closes it (confirmation),
writes the minutes, turns a decision into a task for a working member, and that member
sees the task on his home page. The taps are counted and printed.

Before issue 20: 142 taps for a 142-person roll call, and a decision became a task
through Nơi cư trú → letter → Giao việc (10 taps). Here the roll call is 1 tap for
everyone + 1 per exception, the decision 3 taps."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lienhe.liaison.models import LocalTask
from lienhe.meetings.models import Attendance, DecisionTask, Meeting
from tests.factories import MemberFactory
from tests.liaison.helpers import letter

DECISION = "Vận động các hộ giữ vệ sinh đường làng, ngõ xóm"


class Taps:
    """Counts what the user does with a finger: taps, choices in a list, and each box
    typed into (typing inside a box is not counted)."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, locator):
        locator = locator.first if hasattr(locator, "first") else locator
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        assert box["height"] >= 24, f"target too small: {box}"
        locator.click()
        self.count += 1

    def type(self, locator, text: str):
        expect(locator).to_be_visible()
        locator.fill(text)
        self.count += 1

    def choose(self, locator, **option):
        expect(locator).to_be_visible()
        locator.select_option(**option)
        self.count += 1

    def menu(self, label: str):
        """Open the phone menu when it is folded, then tap the entry."""
        link = self.page.locator("#main-nav a", has_text=label)
        if not link.first.is_visible():
            self.tap(self.page.locator("button.nav-toggle"))
        self.tap(link)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.django_db(transaction=True)
def test_meeting_roll_call_minutes_decision_task_on_a_phone(
    phone_page, phone_context, live_server, liaison_cast, login_page, password
):
    cast = liaison_cast
    intro = letter(cast, "active")  # w1 (dangvien) lives in cell A, letter accepted
    # Two more working members introduced to cell A (invited to the meeting).
    others = [
        MemberFactory(full_name=name, organization=cast.agency_cell, is_working=True)
        for name in ("Đặng Thu Hà", "Lý Văn Phúc")
    ]
    for member in others:
        letter(cast, "active", member=member)
    page = phone_page
    page.on("dialog", lambda dialog: dialog.accept())  # confirmations say yes
    login_page(page, live_server, "bithu", password)
    taps = Taps(page)
    steps = {}

    # 1. schedule a meeting with the working members, today in the evening
    start = taps.count
    taps.menu("Sinh hoạt")
    taps.tap(page.get_by_role("link", name="+ Lên lịch buổi sinh hoạt"))
    taps.choose(page.locator("select[name=kind]"), value=Meeting.Kind.WORKING_MEMBERS)
    page.wait_for_load_state("networkidle")
    taps.type(page.locator("input[name=date]"), timezone.localdate().strftime("%d/%m/%Y"))
    taps.type(page.locator("input[name=time]"), "23:58")
    taps.type(page.locator("input[name=place]"), "Nhà văn hóa tổ dân phố 1")
    assert _fits(page)
    taps.tap(page.locator("main button[type=submit]"))
    expect(page.locator("#live")).to_contain_text("Đã lên lịch buổi sinh hoạt")
    meeting = Meeting.objects.get(organization=cast.cell_a)
    steps["lên lịch"] = taps.count - start

    # 2. roll call: everyone present, then the one exception; close with confirmation
    start = taps.count
    taps.tap(page.get_by_role("link", name="Điểm danh", exact=True))
    taps.tap(page.get_by_role("button", name="Tất cả có mặt"))
    expect(page.locator("#live")).to_contain_text("có mặt")
    a1 = others[0]
    taps.type(page.locator("#rc-search"), "dang thu ha")
    expect(page.locator(f"#m{others[1].pk}")).to_be_hidden()
    taps.tap(page.locator(f"#m{a1.pk} button[value=excused]"))
    expect(page.locator("#rc-present")).to_have_text("2")
    assert Attendance.objects.get(meeting=meeting, member=a1).status == "excused"
    assert _fits(page)
    taps.tap(page.get_by_role("link", name="Chốt điểm danh"))
    taps.tap(page.get_by_role("button", name="Xác nhận chốt điểm danh"))
    meeting.refresh_from_db()
    assert meeting.roll_call_closed_at is not None
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert statuses[a1.pk] == "excused"
    assert statuses[cast.members["w1"].pk] == "present"
    steps["điểm danh"] = taps.count - start

    # 3. minutes with the decisions, one a line
    start = taps.count
    if "/diem-danh/" in page.url:  # back from the roll call to the meeting page
        taps.tap(page.locator(".breadcrumbs a").first)
    assert page.url.endswith(f"/sinh-hoat/{meeting.pk}/")
    taps.tap(page.get_by_role("link", name="Lập biên bản"))
    taps.type(page.locator("textarea[name=resolutions]"), f"1. {DECISION}.\n2. Họp tổ quý sau.")
    taps.tap(page.locator("main button[type=submit]"))
    expect(page.locator("#ket-luan")).to_be_visible()
    steps["biên bản"] = taps.count - start

    # 4. the first decision becomes a task for the working member, in one step
    start = taps.count
    decision = page.locator("ul.decisions > li").first
    taps.tap(decision.locator("summary", has_text="Giao việc cho đảng viên"))
    taps.choose(decision.locator("select[name=introduction]"), value=str(intro.pk))
    assert _fits(page)
    taps.tap(decision.get_by_role("button", name="Giao việc"))
    expect(page.locator("#live")).to_contain_text("Đã giao việc cho đồng chí Hoàng Minh Đức")
    expect(page.locator("ul.decisions")).to_contain_text("→ Đã giao cho Hoàng Minh Đức")
    task = LocalTask.objects.get(introduction=intro)
    assert task.title == f"{DECISION}." and DecisionTask.objects.get(task=task).meeting == meeting
    steps["kết luận → giao việc"] = taps.count - start

    # 5. the working member sees it on his home page (his own phone)
    member_page = phone_context()
    login_page(member_page, live_server, "dangvien", password)
    expect(member_page.locator("main")).to_contain_text("Việc chi bộ nơi cư trú giao")
    expect(member_page.locator("main")).to_contain_text(f"{DECISION}. — hạn")
    assert _fits(member_page)

    total = sum(steps.values())
    print(f"\nHành trình sinh hoạt (390×844): {total} lần chạm — {steps}")
    assert steps["điểm danh"] <= 6  # was one tap per person (142 in the demo cell)
    assert steps["kết luận → giao việc"] <= 3  # was 10


@pytest.mark.django_db(transaction=True)
def test_date_boxes_have_a_calendar_button_that_writes_dd_mm_yyyy(
    phone_page, live_server, cast, login_page, password
):
    """Item 7: a date box shows and accepts dd/mm/yyyy, and a 44 px "Chọn ngày" button
    opens the phone's calendar, whose choice lands in the box as dd/mm/yyyy."""
    page = phone_page
    login_page(page, live_server, "bithu", password)
    page.goto(f"{live_server.url}/sinh-hoat/them/")
    box = page.locator("input[name=date]")
    button = page.get_by_role("button", name="Chọn ngày trên lịch: Ngày")
    expect(button).to_be_visible()
    size = button.bounding_box()
    assert size["width"] >= 44 and size["height"] >= 44
    assert _fits(page)
    box.fill("05/11/2026")
    button.click()  # opens the native calendar (preset to the typed day)
    native = page.locator(".date-pick .date-native").first
    assert native.input_value() == "2026-11-05"
    native.evaluate(
        "el => { el.value = '2026-12-24'; el.dispatchEvent(new Event('change')); }"
    )  # the user picks 24 December in the calendar
    expect(box).to_have_value("24/12/2026")
    box.fill("2026-13-45")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("(dd/mm/yyyy), ví dụ 05/11/2026")
    expect(page.locator("input[name=date]")).to_have_value("2026-13-45")  # input kept
