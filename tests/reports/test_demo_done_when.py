"""The "Done when" of issue 16 on the demo data (seed_demo, 150 members, seeded on
03/12/2026): no request created today is overdue today, and the overdue-letter count
is the same on the home panel's definition, the participation report and the periodic
report on the same day. (The meeting page's "đang điểm danh: 5/142" is
tests/meetings/test_attendance_figures.py.)"""

import datetime as dt
import importlib
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = NOW.date()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        call_command(
            "seed_demo",
            members=150,
            seed=3,
            today=TODAY.isoformat(),
            quiet=True,
            stdout=io.StringIO(),
        )
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        from django.apps import apps

        from lienhe.orgs.admin_units import load_admin_units
        from lienhe.orgs.models import AdminUnit

        load_admin_units(AdminUnit)
        importlib.import_module("lienhe.petitions.migrations.0002_categories").add(apps, None)


def test_no_request_created_today_is_overdue_today(demo, db):
    from lienhe.liaison.models import Introduction
    from lienhe.petitions.models import Petition
    from lienhe.reviews.models import ResidenceComment

    with time_machine.travel(NOW, tick=False):
        comments = ResidenceComment.objects.filter(requested_at__date=TODAY)
        assert not comments.filter(due_on__lt=TODAY).exists()
        assert not Introduction.objects.filter(issued_on=TODAY, due_on__lt=TODAY).exists()
        assert not Petition.objects.filter(received_on=TODAY, due_on__lt=TODAY).exists()
        # The demo has this year's campaign (so the check above is about real rows).
        assert ResidenceComment.objects.filter(year=2026).exists()


def test_overdue_letters_equal_on_home_participation_and_periodic(demo, db):
    from lienhe.liaison.models import overdue_q
    from lienhe.orgs.models import Organization
    from lienhe.reports import figures
    from lienhe.reports.participation import for_org
    from lienhe.reports.periodic import build_report, parse_period

    with time_machine.travel(NOW, tick=False):
        province = Organization.objects.filter(depth=1).order_by("path").first()
        catalogue = figures.read("letters_overdue", province, TODAY)["value"]
        result, _columns = for_org(province, TODAY)
        sections = build_report(province, parse_period("2026"), today=TODAY)
        periodic = next(f.value for s in sections for f in s.figures if f.name == "letters_overdue")
        from django.db.models import Count, Q

        from lienhe.liaison.models import Introduction

        # The home panel's own aggregate (liaison.registry.home_panel), on the province.
        home = Introduction.objects.filter(
            member__organization__path__startswith=province.path
        ).aggregate(
            n=Count(
                "member_id",
                distinct=True,
                filter=overdue_q(TODAY) & Q(member__is_working=True, member__status="active"),
            )
        )["n"]
    assert catalogue > 0
    assert catalogue == result.totals["overdue"] == periodic == home
