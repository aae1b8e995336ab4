"""Issue letter → residence accepts and groups → task → thread message, on phones."""

import datetime as dt

import pytest
from django.utils import timezone

from lienhe.liaison.models import Introduction, LocalTask, ThreadMessage
from lienhe.orgs.models import Organization


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.django_db(transaction=True)
def test_letter_to_group_task_and_thread_at_phone_size(
    phone_page, phone_context, live_server, liaison_cast, login_page, password
):
    cast = liaison_cast
    w1 = cast.members["w1"]
    # 1. the agency's staff issues the letter; the system proposes cell A
    page = phone_page
    login_page(page, live_server, "coquan", password)
    page.goto(f"{live_server.url}/lien-he/cap-giay/")
    page.check(f"#m{w1.pk}")
    page.click("text=Tiếp tục")
    page.wait_for_selector("text=Đề xuất: Chi bộ Tổ dân phố 1")
    assert page.locator(f"select[name=res_{w1.pk}]").input_value() == str(cast.cell_a.pk)
    page.click("button:has-text('Cấp 1 giấy')")
    page.wait_for_selector("text=In các giấy vừa cấp")
    assert _fits(page)
    intro = Introduction.objects.get(member=w1)
    assert intro.state == "issued" and intro.number

    # 2. the secretary of cell A forms a group, then accepts the member into it
    officer = phone_context()
    login_page(officer, live_server, "bithu", password)
    officer.goto(f"{live_server.url}/lien-he/chi-bo/{cast.cell_a.pk}/to/")
    officer.fill("input[name=name]", "Tổ 1 — cơ quan tỉnh")
    officer.click("button:has-text('Lập tổ')")
    officer.wait_for_selector("text=Đã lập tổ mới")
    officer.goto(f"{live_server.url}/lien-he/giay-den/")
    officer.click("a.btn:has-text('Tiếp nhận')")
    group = Organization.objects.get(kind="group", name="Tổ 1 — cơ quan tỉnh")
    officer.select_option("select[name=group]", value=str(group.pk))
    assert _fits(officer)
    officer.click("button:has-text('Tiếp nhận')")
    officer.wait_for_selector("text=Đang sinh hoạt nơi cư trú")
    intro.refresh_from_db()
    assert intro.state == "active" and intro.group.name == "Tổ 1 — cơ quan tỉnh"

    # 3. a local task
    officer.click("summary:has-text('Giao việc mới')")
    officer.select_option("select[name=kind]", "volunteer")
    officer.fill("input[name=title]", "Ra quân vệ sinh môi trường")
    due = (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    officer.fill("input[name=due_on]", due)
    officer.click("button:has-text('Giao việc')")
    officer.wait_for_selector("text=Đã giao việc")
    assert LocalTask.objects.filter(introduction=intro).count() == 1

    # 4. a message in the two-way thread, read by the workplace
    officer.fill("textarea[name=body]", "Đồng chí đã nhận nhiệm vụ của tổ.")
    officer.click("button:has-text('Gửi')")
    officer.wait_for_selector("li.msg.residence:has-text('Đồng chí đã nhận nhiệm vụ')")
    assert _fits(officer)
    page.goto(f"{live_server.url}/lien-he/{intro.pk}/")
    page.wait_for_selector("li.msg.residence:has-text('Đồng chí đã nhận nhiệm vụ')")
    assert ThreadMessage.objects.filter(introduction=intro, side="system").count() >= 3
