"""Year journey 1 at 390×844 (issue 20): the agency issues a letter → the member hands
it in at the residence → the cell secretary accepts them into a group. Every step is
a tap on what the phone shows, counted."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from lienhe.liaison import services as liaison
from lienhe.liaison.models import Introduction

from .year import Journey

# A Monday in March: the letter is issued and handed in within the 30-day limit.
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.mark.django_db(transaction=True)
def test_year_letter_issued_handed_in_accepted_into_group(
    phone_page, phone_context, live_server, liaison_cast, login_page, password
):
    cast = liaison_cast
    w1 = cast.members["w1"]
    with time_machine.travel(NOW, tick=True):
        group = liaison.create_group(cast.cell_a, name="Tổ 1 — khu dân cư số 1")
        journey = Journey("1-letter", "Giấy giới thiệu: cấp → nộp giấy → tiếp nhận vào tổ")

        # 1. The agency's staff issues the letter, starting from the menu.
        journey.step("coquan", "cấp giấy giới thiệu")
        staff = journey.phone(phone_page, "coquan")
        login_page(staff.page, live_server, "coquan", password)
        staff.menu("Nơi cư trú")
        staff.link("+ Cấp giấy giới thiệu")
        staff.check(f"#m{w1.pk}")
        staff.button("Tiếp tục")
        # The residence proposed from the member's address is already chosen.
        proposed = staff.page.locator(f"select[name=res_{w1.pk}]")
        assert proposed.input_value() == str(cast.cell_a.pk)
        staff.button("Cấp 1 giấy")
        staff.page.get_by_role("link", name="In các giấy vừa cấp").wait_for()
        assert staff.fits()
        intro = Introduction.objects.get(member=w1)
        assert intro.state == Introduction.State.ISSUED and intro.number
        assert intro.issued_on == NOW.date()

        # 2. The member hands the letter in: the secretary of cell A confirms it,
        # from the counter on her home page.
        journey.step("bithu", "xác nhận nộp giấy")
        secretary = journey.phone(phone_context(), "bithu")
        login_page(secretary.page, live_server, "bithu", password)
        secretary.link("giấy đến chờ tiếp nhận")
        secretary.link(w1.full_name)
        date = secretary.page.locator("input[name=handed_in_on]")
        assert date.input_value() in ("02/03/2026", "2026-03-02")  # today, prefilled
        secretary.button("Xác nhận đã nộp")
        secretary.says("Đã xác nhận đảng viên nộp giấy")
        intro.refresh_from_db()
        assert intro.state == Introduction.State.HANDED_IN
        assert intro.handed_in_on == NOW.date() and not intro.handed_in_late

        # 3. She accepts the member into Tổ 1.
        journey.step("bithu", "tiếp nhận, xếp vào tổ")
        secretary.link("Tiếp nhận, xếp tổ")
        # The group shows its size, so the secretary can balance the groups.
        secretary.choose("select[name=group]", label=f"{group.name} (0 người)")
        assert secretary.fits()
        secretary.button("Tiếp nhận")
        secretary.says(f"Đã tiếp nhận đảng viên {w1.full_name}")
        intro.refresh_from_db()
        assert intro.state == Introduction.State.ACTIVE
        assert intro.group == group and intro.residence_org == cast.cell_a
        # The detail page now says where they are, in the group chosen.
        expect(secretary.page.get_by_text(f"{cast.cell_a.name} — {group.name}")).to_be_visible()

        # 4. Back at the agency, the letter shows the member as active at the residence.
        journey.step("coquan", "thấy đảng viên đã được tiếp nhận")
        staff.menu("Nơi cư trú")
        staff.link(w1.full_name)
        expect(staff.page.locator("h1").get_by_text("Đang sinh hoạt nơi cư trú")).to_be_visible()

        staff.assert_clean()
        secretary.assert_clean()
        data = journey.report()
    assert data["taps"] == journey.taps > 0
