"""The demo shows mail (issue 22): demo accounts have @example.org addresses and the
morning run gives each of them one digest."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from lienhe.access.models import User
from lienhe.demo.province import DEMO_ACCOUNTS
from lienhe.notify import services
from lienhe.notify.models import Delivery

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 12, 3, 6, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_demo_accounts_get_one_morning_digest_each():
    with time_machine.travel(MORNING, tick=False):
        call_command("seed_demo", "--members", "150", "--seed", "1", "--quiet")
        names = [name for name, _label in DEMO_ACCOUNTS]
        emails = dict(User.objects.filter(username__in=names).values_list("username", "email"))
        assert emails == {name: f"{name}@example.org" for name in names}

        services.run_daily(MORNING.date())
        services.deliver_due()
    assert mail.outbox, "the demo morning should produce at least one digest"
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients))  # one digest per person
    assert all(r.endswith("@example.org") for r in recipients)
    assert all(
        m.subject.startswith("[Lienhe] Tổng hợp nhắc việc ngày 03/12/2026") for m in mail.outbox
    )
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
