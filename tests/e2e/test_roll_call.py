"""Roll call on a 390-px phone over a flaky connection: the first tap reaches the
server but its answer is lost, the page re-sends the same tap, and it counts once."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lienhe.audit.models import AuditEvent
from lienhe.meetings.models import Attendance, Meeting


@pytest.mark.django_db(transaction=True)
def test_roll_call_on_a_phone_survives_a_lost_answer(
    phone_page, live_server, cast, login_page, password
):
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=timezone.now() - dt.timedelta(minutes=20),
    )
    page = phone_page
    login_page(page, live_server, "bithu", password)

    sent = []

    def flaky(route):
        sent.append(route.request.post_data)
        response = route.fetch()  # the server applies the tap…
        if len(sent) == 1:
            route.abort("connectionreset")  # …but the phone never hears back
        else:
            route.fulfill(response=response)

    page.route("**/diem-danh/cham/", flaky)
    page.goto(f"{live_server.url}/sinh-hoat/{meeting.pk}/diem-danh/")
    a1 = cast.members["a1"]
    row = page.locator(f"#m{a1.pk}")
    present = row.locator("button[value=present]")
    box = present.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 120  # a big target on a phone
    present.click()
    assert present.get_attribute("aria-pressed") == "true"  # shown at once
    expect(page.locator("#rc-present")).to_have_text("1", timeout=10_000)
    expect(page.locator("#rc-pending")).to_be_hidden()

    assert len(sent) == 2 and sent[0] == sent[1]  # the same tap, re-sent
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert Attendance.objects.get(meeting=meeting, member=a1).status == "present"
    assert AuditEvent.objects.filter(action="meetings.attendance.marked").count() == 1

    # A later tap changes the mark; the counter follows.
    row.locator("button[value=excused]").click()
    expect(page.locator("#rc-present")).to_have_text("0", timeout=10_000)
    assert Attendance.objects.get(meeting=meeting, member=a1).status == "excused"
    assert row.locator("button[value=present]").get_attribute("aria-pressed") == "false"
    # The page stays light for 3G (HTML of the roll call itself).
    html = page.content()
    assert len(html.encode()) < 30_000
