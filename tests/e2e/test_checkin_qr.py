"""The check-in QR shown on the officer's phone (390 px) must be readable by a scanner:
the whole code and its quiet zone scale with the box (issue 20, item 1)."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.utils import timezone

from lienhe.meetings.models import Meeting

ZBARIMG = shutil.which("zbarimg")


@pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (zbar-tools) is not installed")
@pytest.mark.django_db(transaction=True)
def test_checkin_qr_is_readable_on_a_phone(
    phone_page, live_server, cast, login_page, password, tmp_path
):
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=timezone.now() + dt.timedelta(minutes=20),
    )
    page = phone_page
    login_page(page, live_server, "bithu", password)
    page.goto(f"{live_server.url}/sinh-hoat/{meeting.pk}/ma-qr/")
    qr = page.locator(".qr svg")
    box = qr.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits the screen
    shot = tmp_path / "qr.png"
    page.screenshot(path=str(shot))
    out = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", str(shot)], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr
    assert "/sinh-hoat/diem-danh-qr/" in out.stdout
    # The drawing is scaled with its box, not cropped by it.
    assert qr.evaluate("el => el.getBBox().width * el.getScreenCTM().a") <= box["width"] + 1
