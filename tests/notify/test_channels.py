import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from lienhe.notify import services
from lienhe.notify.models import Delivery
from lienhe.notify.sms import LoggingSMSBackend, MemorySMSBackend, get_backend, send_sms

pytestmark = pytest.mark.django_db


def test_sms_backend_is_chosen_by_setting():
    assert isinstance(get_backend(), LoggingSMSBackend)
    with override_settings(LIENHE_SMS_BACKEND="lienhe.notify.sms.MemorySMSBackend"):
        MemorySMSBackend.outbox.clear()
        assert send_sms("0912345678", "Xin chào") == 1
        assert MemorySMSBackend.outbox[0].phone == "0912345678"
    assert send_sms("", "x") == 0


@override_settings(LIENHE_SMS_BACKEND="lienhe.notify.sms.MemorySMSBackend")
def test_notify_follows_channel_preferences(cast, django_capture_on_commit_callbacks):
    user = cast.users["secretary_a"]
    user.email, user.phone = "bithu@example.vn", "0912345678"
    user.save()
    MemorySMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([user], kind="t", title="Một", dedupe_key="k1")
    # Nothing is sent by notify(): the reminder waits for the daily digest.
    assert mail.outbox == [] and not Delivery.objects.exists()
    services.set_preference(user, email=False, sms=True, mode="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([user], kind="t", title="Hai", dedupe_key="k2")
        services.notify([user], kind="t", title="Hai", dedupe_key="k2")
    assert list(Delivery.objects.values_list("channel", "subject")) == [("sms", "[Lienhe] Hai")]
    assert services.deliver_due() == {"sent": 1}
    assert [m.text for m in MemorySMSBackend.outbox] == ["[Lienhe] Hai"]
    assert services.build_digests() == 1  # "Một" by e-mail, chosen when it was created
    services.deliver_due()
    assert [m.subject for m in mail.outbox] == [
        f"[Lienhe] Tổng hợp nhắc việc ngày {timezone.localdate():%d/%m/%Y}: 1 việc"
    ]


def test_preferences_page_refuses_sms_without_phone(cast, login):
    user = cast.users["outsider"]
    client = login(user)
    response = client.post("/thong-bao/cai-dat/", {"sms": "on"})
    assert response.status_code == 200
    assert "chưa có số điện thoại" in response.content.decode()
    user.phone = "0912345678"
    user.save()
    response = client.post("/thong-bao/cai-dat/", {"sms": "on"})
    assert response.status_code == 302
    assert services.get_preference(user).sms is True


def test_send_reminders_command_runs_daily_jobs(db, capsys):
    call_command("send_reminders", "--today", "2026-11-23")
    out = capsys.readouterr().out
    assert "Tổng:" in out and "notify.digest: 0" in out


def test_console_backend_prints_vietnamese_readably():
    import io

    from django.core.mail import EmailMessage

    from lienhe.notify.mail import ConsoleEmailBackend

    stream = io.StringIO()
    backend = ConsoleEmailBackend(stream=stream)
    sent = backend.send_messages(
        [EmailMessage("[Lienhe] Tổng hợp nhắc việc", "Hạn hôm nay", None, ["bithu@example.org"])]
    )
    assert sent == 1
    out = stream.getvalue()
    assert "Subject: [Lienhe] Tổng hợp nhắc việc" in out and "Hạn hôm nay" in out
