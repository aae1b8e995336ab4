"""A test-only background task for tests/trust/test_worker_kill.py: it notifies
users one by one (with a dedupe_key, like every Lienhe reminder) and, after the
first, waits on a file flag so the test can kill the worker at a known point."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.tasks import task

from lienhe.notify.services import notify


@task()
def notify_then_wait(user_ids: list[int], flag_dir: str) -> int:
    flags = Path(flag_dir)
    sent = 0
    for i, user in enumerate(get_user_model().objects.filter(pk__in=user_ids).order_by("pk")):
        sent += notify(
            [user],
            kind="test",
            title="Nhắc thử",
            dedupe_key=f"trust-worker-kill:{user.pk}",
            email=False,
            sms=False,
        )
        if i == 0:
            (flags / f"started-{time.monotonic_ns()}").touch()
            deadline = time.monotonic() + 25
            while not (flags / "go").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
    return sent
