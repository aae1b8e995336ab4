"""Delivery of reminders by the worker (issue 22), against real servers started by
the tests: an SMTP server (aiosmtpd) and an HTTP server standing in for an SMS
gateway. The clock is pinned; the worker step is run explicitly (`deliver_due`, or
the task itself)."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lienhe.audit.models import AuditEvent
from lienhe.meetings.models import Meeting
from lienhe.notify import services
from lienhe.notify.models import ChannelPreference, Delivery, Notification
from lienhe.notify.tasks import deliver_task

from .servers import SMSGateway, SMTPServer

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 12, 3, 6, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = MORNING.date()


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.MAILERS = server.mailer()
    yield server
    server.stop()


@pytest.fixture
def gateway(settings):
    gw = SMSGateway()
    gw.start()
    settings.LIENHE_SMS_BACKEND = "lienhe.notify.sms.HTTPSMSBackend"
    settings.LIENHE_SMS_HTTP = {
        "URL": gw.url,
        "FORMAT": "json",
        "TEMPLATE": '{"Phone": "{phone}", "Content": "{text}", "Brandname": "{sender}"}',
        "SENDER": "TINHUY",
        "TOKEN": "bi-mat",
        "SUCCESS": '"CodeResult": "100"',
        "TIMEOUT": 5,
    }
    yield gw
    gw.stop()


def secretary(cast, *, email="bithu@example.org", phone=""):
    user = cast.users["secretary_a"]
    user.email, user.phone = email, phone
    user.save()
    return user


def urgent(user, title="Giấy giới thiệu quá hạn", key="k1", **kw):
    return services.notify(
        [user],
        kind="liaison.overdue",
        title=title,
        url="/noi-cu-tru/1/",
        dedupe_key=key,
        urgent=True,
        **kw,
    )


def only_delivery() -> Delivery:
    return Delivery.objects.get()


# ---------------------------------------------------------------- e-mail


def test_urgent_reminder_is_sent_by_the_worker_only_after_the_server_accepts(
    cast, smtp, clock, django_capture_on_commit_callbacks
):
    smtp.start()
    user = secretary(cast)
    with django_capture_on_commit_callbacks(execute=True):
        assert urgent(user) == 1
    delivery = only_delivery()
    assert delivery.state == Delivery.State.QUEUED and smtp.messages == []
    # Enqueued for the worker after commit, not sent in the caller.
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_task").count() == 1

    assert deliver_task.call(delivery.pk) == Delivery.State.SENT
    [message] = smtp.to("bithu@example.org")
    assert message["Subject"] == "[Lienhe] Giấy giới thiệu quá hạn"
    assert "http://127.0.0.1:8000/noi-cu-tru/1/" in message.get_content()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.sent_at) == ("sent", 1, timezone.now())
    assert Notification.objects.get().emailed_at == timezone.now()
    assert deliver_task.call(delivery.pk) == Delivery.State.SENT  # a second run sends nothing
    assert len(smtp.messages) == 1


def test_server_down_then_up_is_retried_and_delivered_exactly_once(cast, smtp, clock, login):
    user = secretary(cast)
    urgent(user)
    assert services.deliver_due() == {"failed": 1}
    delivery = only_delivery()
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at == timezone.now() + dt.timedelta(seconds=60)
    assert Notification.objects.get().emailed_at is None  # never recorded as sent
    # A retry task is waiting for the worker at the backoff time.
    task = DBTaskResult.objects.get(task_path__endswith="deliver_task")
    assert task.run_after == delivery.next_attempt_at

    # Meanwhile the operators see it, with its error, and a count on the home panel.
    admin = login(cast.users["admin"])
    page = admin.get(reverse("notify:deliveries")).content.decode()
    assert "[Lienhe] Giấy giới thiệu quá hạn" in page and "ConnectionRefusedError" in page
    assert "Gửi lại" in page
    assert "1</strong> thư/tin nhắn chưa gửi được" in admin.get(reverse("home")).content.decode()

    assert services.deliver_due() == {}  # not due yet: no extra attempt
    smtp.start()
    clock.shift(dt.timedelta(seconds=61))
    assert services.deliver_due() == {"sent": 1}
    clock.shift(dt.timedelta(hours=5))
    assert services.deliver_due() == {}
    assert services.deliver(delivery.pk) == Delivery.State.SENT
    assert len(smtp.to("bithu@example.org")) == 1  # exactly once
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_error == ""
    assert "Không có thư, tin nhắn nào gửi lỗi" in admin.get(reverse("home")).content.decode()


def test_gives_up_after_the_set_attempts_then_the_operator_retries(
    cast, smtp, clock, login, settings
):
    settings.LIENHE_DELIVERY_MAX_ATTEMPTS = 2
    urgent(secretary(cast))
    assert services.deliver_due() == {"failed": 1}
    clock.shift(dt.timedelta(seconds=61))
    assert services.deliver_due() == {"given_up": 1}
    delivery = only_delivery()
    assert delivery.next_attempt_at is None and delivery.attempts == 2
    clock.shift(dt.timedelta(days=1))
    assert services.deliver_due() == {}  # given up stays given up

    smtp.start()
    board = login(cast.users["province_staff"])
    response = board.post(reverse("notify:retry_delivery", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.QUEUED and delivery.attempts == 0
    assert AuditEvent.objects.filter(action="notify.delivery.retried").count() == 1
    assert services.deliver_due() == {"sent": 1}
    assert len(smtp.messages) == 1


def test_smtp_4xx_is_retried_and_5xx_given_up(cast, smtp, clock):
    smtp.start()
    smtp.reply = "451 4.3.0 Hệ thống bận, thử lại sau"
    urgent(secretary(cast))
    assert services.deliver_due() == {"failed": 1}
    assert "SMTP 451" in only_delivery().last_error
    smtp.reply = "554 5.7.1 Message rejected"
    clock.shift(dt.timedelta(seconds=61))
    assert services.deliver_due() == {"given_up": 1}
    assert "SMTP 554" in only_delivery().last_error
    assert smtp.messages == []


def test_slow_mail_server_does_not_hold_the_web_request(
    cast, smtp, clock, login, django_capture_on_commit_callbacks
):
    smtp.delay = 3
    smtp.start()
    user = secretary(cast)  # a member of cell A, expected at its meetings
    meeting = Meeting.objects.create(
        organization=cast.cell_a,
        kind=Meeting.Kind.REGULAR,
        planned_at=MORNING.replace(hour=19, minute=30),
    )
    client = login(user)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Mưa bão", "version": 1}
        )
    assert response.status_code == 302
    assert time.monotonic() - started < 2  # the server needs 3 s per message
    assert smtp.messages == []
    # The change of a meeting today cannot wait for tomorrow's digest: queued at once.
    delivery = Delivery.objects.get(user=user)
    assert delivery.digest_on is None and delivery.state == Delivery.State.QUEUED
    assert services.deliver_due() == {"sent": 1}
    assert smtp.to("bithu@example.org")[0]["Subject"].startswith("[Lienhe] Hủy buổi sinh hoạt")


# ---------------------------------------------------------------- digest


def test_secretary_with_20_reminders_gets_one_digest(
    cast, smtp, clock, django_capture_on_commit_callbacks
):
    smtp.start()
    user = secretary(cast)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(20):
            services.notify(
                [user],
                kind="reviews.comment_due",
                title=f"Nhận xét đảng viên số {i:02d}",
                url=f"/nhan-xet/{i}/",
                dedupe_key=f"c{i}",
                due_on=TODAY + dt.timedelta(days=18 - i),  # the last one is overdue
            )
    assert not Delivery.objects.exists() and smtp.messages == []

    assert services.run_daily(TODAY)["notify.digest"] >= 1
    assert services.run_daily(TODAY)["notify.digest"] == 0  # a re-run adds nothing
    services.deliver_due()
    [digest] = smtp.to("bithu@example.org")
    assert digest["Subject"].startswith("[Lienhe] Tổng hợp nhắc việc ngày 03/12/2026")
    text = digest.get_content()
    positions = [text.index(f"Nhận xét đảng viên số {i:02d}") for i in range(19, -1, -1)]
    assert positions == sorted(positions)  # most urgent (overdue) first
    assert "Nhận xét đảng viên số 19 (quá hạn 1 ngày)" in text
    assert "Nhận xét đảng viên số 18 (hạn hôm nay)" in text
    assert "Nhận xét đảng viên số 00 (còn 18 ngày)" in text
    assert "http://127.0.0.1:8000/nhan-xet/0/" in text

    # A reminder later the same day waits for tomorrow's digest; urgent ones go now.
    services.notify([user], kind="t", title="Việc thêm", dedupe_key="late")
    assert services.build_digests(TODAY) == 0
    assert services.build_digests(TODAY + dt.timedelta(days=1)) == 1
    clock.shift(dt.timedelta(days=1))
    services.deliver_due()
    assert len(smtp.to("bithu@example.org")) == 2


def test_immediate_preference_sends_each_reminder(cast, smtp, clock, login):
    smtp.start()
    user = secretary(cast)
    response = login(user).post(reverse("notify:preferences"), {"email": "on", "mode": "immediate"})
    assert response.status_code == 302
    assert services.get_preference(user).mode == ChannelPreference.Mode.IMMEDIATE
    services.notify([user], kind="t", title="Một", dedupe_key="a")
    services.notify([user], kind="t", title="Hai", dedupe_key="b")
    assert services.build_digests(TODAY) == 0
    assert services.deliver_due() == {"sent": 2}
    assert sorted(m["Subject"] for m in smtp.messages) == ["[Lienhe] Hai", "[Lienhe] Một"]


def test_retry_command_requeues_in_bulk(cast, smtp, clock, capsys):
    user = secretary(cast)
    urgent(user, key="x1")
    urgent(user, title="Kiến nghị quá hạn", key="x2")
    services.deliver_due()
    assert set(Delivery.objects.values_list("state", flat=True)) == {"failed"}
    smtp.start()
    call_command("retry_deliveries", "--now")
    out = capsys.readouterr().out
    assert "Đã đưa vào hàng đợi: 2" in out and "Đã gửi: 2" in out
    assert len(smtp.messages) == 2


# ---------------------------------------------------------------- SMS gateway


def sms_user(cast):
    user = secretary(cast, email="", phone="0912345678")
    services.set_preference(user, email=False, sms=True, mode="immediate")
    return user


def test_sms_gateway_success(cast, gateway, clock):
    services.notify([sms_user(cast)], kind="t", title='Họp chi bộ "khẩn" lúc 19:30', dedupe_key="s")
    assert services.deliver_due() == {"sent": 1}
    [request] = gateway.requests
    assert request["json"] == {
        "Phone": "0912345678",
        "Content": '[Lienhe] Họp chi bộ "khẩn" lúc 19:30',
        "Brandname": "TINHUY",
    }
    assert request["auth"] == "Bearer bi-mat"


def test_sms_gateway_5xx_is_retried(cast, gateway, clock):
    gateway.answers = [(503, "busy"), (200, '{"CodeResult": "100"}')]
    services.notify([sms_user(cast)], kind="t", title="Nhắc", dedupe_key="s")
    assert services.deliver_due() == {"failed": 1}
    assert "HTTP 503" in only_delivery().last_error
    clock.shift(dt.timedelta(seconds=61))
    assert services.deliver_due() == {"sent": 1}
    assert len(gateway.requests) == 2


@pytest.mark.parametrize(
    "answer,error",
    [((400, '{"error": "bad phone"}'), "HTTP 400"), ((200, '{"CodeResult": "99"}'), "từ chối")],
)
def test_sms_gateway_refusal_is_given_up(cast, gateway, clock, answer, error):
    gateway.answers = [answer]
    services.notify([sms_user(cast)], kind="t", title="Nhắc", dedupe_key="s")
    assert services.deliver_due() == {"given_up": 1}
    assert error in only_delivery().last_error
    clock.shift(dt.timedelta(days=1))
    assert services.deliver_due() == {}
    assert len(gateway.requests) == 1


def test_sms_digest_is_one_short_message(cast, gateway, clock):
    user = sms_user(cast)
    services.set_preference(user, email=False, sms=True, mode="digest")
    for i in range(5):
        services.notify([user], kind="t", title=f"Việc {i}", dedupe_key=f"d{i}")
    assert services.build_digests(TODAY) == 1
    assert services.deliver_due() == {"sent": 1}
    [request] = gateway.requests
    assert request["json"]["Content"].startswith("[Lienhe] 5 việc cần làm: Việc 0; Việc 1")
    assert len(request["json"]["Content"]) <= 300


def test_form_template_is_url_encoded():
    from lienhe.notify.sms import SMS, HTTPSMSBackend

    backend = HTTPSMSBackend(
        {"FORMAT": "form", "TEMPLATE": "to={phone}&msg={text}&from={sender}", "SENDER": "TU"}
    )
    body, content_type = backend._body(SMS("0912345678", "Họp & bàn"))
    assert body == b"to=0912345678&msg=H%E1%BB%8Dp+%26+b%C3%A0n&from=TU"
    assert content_type.startswith("application/x-www-form-urlencoded")


def test_operator_page_lists_failures_with_bounded_queries(
    cast, clock, login, django_assert_max_num_queries
):
    user = secretary(cast)
    for i in range(12):
        Delivery.objects.create(
            user=user,
            channel="email",
            address=user.email,
            subject=f"[Lienhe] Thư {i}",
            state="given_up" if i % 2 else "failed",
            attempts=6,
            last_error="SMTP 550: mailbox unavailable",
        )
    Delivery.objects.create(
        user=user, channel="email", address=user.email, subject="Đã gửi", state="sent"
    )
    client = login(cast.users["province_staff"])
    with django_assert_max_num_queries(15):
        page = client.get(reverse("notify:deliveries")).content.decode()
    assert page.count("Gửi lại</button>") == 12 and "Đã gửi</" not in page
    given_up = client.get(reverse("notify:deliveries") + "?state=given_up").content.decode()
    assert given_up.count("Gửi lại</button>") == 6
    assert login(cast.users["commune_staff"]).get(reverse("notify:deliveries")).status_code == 403


def test_delivery_left_sending_by_a_dead_worker_is_retried(cast, smtp, clock):
    smtp.start()
    user = secretary(cast)
    urgent(user)
    delivery = only_delivery()
    # A worker claimed it and died before recording the outcome.
    Delivery.objects.filter(pk=delivery.pk).update(
        state="sending", attempts=1, last_attempt_at=timezone.now()
    )
    assert services.deliver_due() == {}  # still possibly in progress
    clock.shift(dt.timedelta(minutes=16))
    assert services.deliver_due() == {"sent": 1}
    assert len(smtp.messages) == 1
