"""Request → fill → send → workplace decides with a conflict justification, on a phone."""

import pytest

from lienhe.reviews.models import YearReview
from tests.reviews.data import YEAR, live_introduction


@pytest.mark.django_db(transaction=True)
def test_comment_and_review_journey_on_phone(phone_page, live_server, cast, login_page, password):
    live_introduction(cast)
    page = phone_page
    login_page(page, live_server, "dangvien", password)
    page.goto(f"{live_server.url}/nhan-xet/cua-toi/?year={YEAR}")
    page.click("text=Gửi đề nghị năm")
    page.wait_for_selector("text=Đã gửi yêu cầu nhận xét")
    page.context.clear_cookies()

    # Irreversible steps ask first (issue 20 item 6): accept, and remember what was asked.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    login_page(page, live_server, "bithu", password)
    page.goto(f"{live_server.url}/nhan-xet/?year={YEAR}")
    page.click(f"text={cast.members['w1'].full_name}")
    # locator.all() does not wait: on a loaded machine it ran before the form arrived,
    # found no textarea, and the form was sent empty (CI, stop 28).
    page.locator("textarea[name^=duty_]").first.wait_for()
    for textarea in page.locator("textarea[name^=duty_]").all():
        textarea.fill("Ít tham gia sinh hoạt")
    page.check("input[name=conclusion][value='1']")
    page.click("button[name=send]")
    page.wait_for_selector("text=Đã gửi nhận xét")
    assert len(asked) == 1 and "Ký và gửi" in asked[0]
    page.context.clear_cookies()

    login_page(page, live_server, "coquan", password)
    page.goto(f"{live_server.url}/nhan-xet/danh-gia/{cast.members['w1'].pk}/{YEAR}/")
    # A 2026 review: Quy định 366-QĐ/TW scores (25 + 55 = 80 → at most "Hoàn thành tốt").
    page.select_option("select[name=step]", "final")
    page.fill("input[name=score_general]", "25")
    page.fill("input[name=score_tasks]", "55")
    page.check("#lv-good")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=cần giải trình")
    page.fill("textarea[name=justification]", "Thành tích nổi bật ở cơ quan")
    page.select_option("select[name=step]", "final")
    page.fill("input[name=score_general]", "25")
    page.fill("input[name=score_tasks]", "55")
    page.check("#lv-good")
    page.click("button:has-text('Lưu')")
    page.wait_for_selector("text=khác biệt với nơi cư trú")
    assert len(asked) == 3 and all("Cấp ủy quyết định" in m for m in asked[1:])
    assert YearReview.objects.get(member=cast.members["w1"], year=YEAR).conflict
