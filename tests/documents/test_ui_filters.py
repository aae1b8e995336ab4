"""`days_left`: the badge of every deadline, made once per distance and language."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from lienhe.documents.templatetags.ui import days_left

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@time_machine.travel(NOW, tick=False)
def test_days_left_counts_from_the_local_today():
    assert days_left(dt.date(2026, 12, 7)) == '<span class="badge warn">còn 5 ngày</span>'
    assert days_left(dt.date(2026, 12, 20)) == '<span class="badge">còn 18 ngày</span>'
    assert days_left(dt.date(2026, 12, 2)) == '<span class="badge warn">hạn hôm nay</span>'
    assert days_left(dt.date(2026, 11, 29)) == '<span class="badge danger">quá hạn 3 ngày</span>'
    # 18:30 UTC on 02/12 is 01:30 on 03/12 in Hà Nội: due tomorrow.
    assert days_left(dt.datetime(2026, 12, 2, 18, 30, tzinfo=dt.UTC)) == (
        '<span class="badge warn">còn 1 ngày</span>'
    )
    assert days_left(None) == ""


def test_the_same_date_reads_differently_on_another_day():
    due = dt.date(2026, 12, 10)
    with time_machine.travel(NOW, tick=False):
        before = days_left(due)
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        after = days_left(due)
    assert "còn 8 ngày" in before and "hạn hôm nay" in after
