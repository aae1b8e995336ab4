import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lienhe import tablewrites
from lienhe.reports import figures as figures_catalogue
from lienhe.reports.models import ReportRun
from lienhe.reports.periodic import build_report, current_period_code, parse_period
from lienhe.reports.tasks import run_periodic_report
from tests.factories import MemberFactory


@pytest.mark.parametrize(
    ("code", "start", "end", "previous"),
    [
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2025"),
        ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "2025-H2"),
        ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "2026-H1"),
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2025-Q4"),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026-Q3"),
    ],
)
def test_periods_and_their_previous_period(code, start, end, previous):
    period = parse_period(code)
    assert (period.start, period.end, period.previous().code) == (start, end, previous)


def test_bad_period_code_is_refused():
    with pytest.raises(ValueError):
        parse_period("2026-H3")
    assert current_period_code(dt.date(2026, 5, 2)) == "2026-H1"
    assert current_period_code(dt.date(2026, 11, 23)) == "2026"


@pytest.mark.usefixtures("mid_year_clock")  # the 2026 period still running
def test_members_section_compares_with_previous_period(cast):
    MemberFactory(organization=cast.cell_a, joined_on=dt.date(2026, 3, 1), official_on=None)
    sections = build_report(cast.province, parse_period("2026"))
    members = next(s for s in sections if s.key == "members")
    figures = {f.label: f for f in members.figures}
    joined = figures["Đảng viên kết nạp trong kỳ"]
    assert (joined.value, joined.previous, joined.change) == (1, 0, 1)
    # The catalogue figure "members" reads the register as it is today: the running
    # period has it, the previous (closed) one has no value rather than today's count.
    assert figures["Đảng viên"].name == "members"
    today = timezone.localdate()
    assert (
        figures["Đảng viên"].value
        == figures_catalogue.read("members", cast.province, today)["value"]
    )
    assert figures["Đảng viên"].previous is None


def test_small_subtree_is_computed_inline_and_exported(cast, login):
    staff = login(cast.users["province_staff"])
    r = staff.post(reverse("reports:periodic"), {"period": "2026", "org": cast.province.pk})
    run = ReportRun.objects.get()
    assert r.status_code == 302 and run.state == "done"
    page = staff.get(reverse("reports:periodic_run", args=[run.pk]))
    assert "Đảng viên kết nạp trong kỳ" in page.content.decode()
    assert (
        staff.get(reverse("reports:periodic_run", args=[run.pk]), {"format": "xlsx"}).status_code
        == 200
    )
    pdf = staff.get(reverse("reports:periodic_run", args=[run.pk]), {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_large_subtree_runs_in_background_with_progress(
    cast, login, settings, django_capture_on_commit_callbacks
):
    settings.PERIODIC_INLINE_LIMIT = 0
    staff = login(cast.users["province_staff"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff.post(reverse("reports:periodic"), {"period": "2026-H1", "org": cast.province.pk})
    run = ReportRun.objects.get()
    started = [c for c in callbacks if not tablewrites.is_version_callback(c)]
    assert run.state == "queued" and len(started) == 1
    poll = staff.get(reverse("reports:periodic_run", args=[run.pk]), headers={"HX-Request": "true"})
    assert "hx-trigger" in poll.content.decode()
    run_periodic_report(run.pk)
    run.refresh_from_db()
    assert run.state == "done" and run.percent == 100
    run_periodic_report(run.pk)  # a retried job does nothing twice
    assert ReportRun.objects.get().state == "done"


def test_bad_period_keeps_form_with_vietnamese_error(cast, login):
    staff = login(cast.users["province_staff"])
    r = staff.post(reverse("reports:periodic"), {"period": "nam 2026", "org": cast.province.pk})
    assert "Kỳ báo cáo không hợp lệ" in r.content.decode() and "nam 2026" in r.content.decode()


def test_page_query_count_is_bounded(cast, login, django_assert_max_num_queries):
    staff = login(cast.users["province_staff"])
    staff.post(reverse("reports:periodic"), {"period": "2026", "org": cast.province.pk})
    run = ReportRun.objects.get()
    for _ in range(30):
        MemberFactory(organization=cast.cell_b)
    with django_assert_max_num_queries(12):
        staff.get(reverse("reports:periodic_run", args=[run.pk]))


def test_every_module_has_a_section_and_meetings_count_in_the_period(cast):
    from django.utils import timezone

    from lienhe.meetings.models import Meeting

    Meeting.objects.create(
        organization=cast.cell_a,
        kind="regular",
        state="held",
        planned_at=timezone.make_aware(dt.datetime(2026, 3, 5, 19, 30)),
    )
    Meeting.objects.create(
        organization=cast.cell_a,
        kind="regular",
        state="held",
        planned_at=timezone.make_aware(dt.datetime(2025, 3, 5, 19, 30)),
    )
    sections = {s.key: s for s in build_report(cast.province, parse_period("2026-H1"))}
    assert list(sections) == [
        "members",
        "liaison",
        "meetings",
        "visits",
        "reviews",
        "petitions",
        "away",
    ]
    held = sections["meetings"].figures[0]
    assert (held.label, held.value, held.previous) == ("Buổi sinh hoạt đã tổ chức", 1, 0)
    assert all(s.figures for s in sections.values())
