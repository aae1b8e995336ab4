"""Background work of the notify app: one task per delivery attempt (primary key in,
idempotent: a delivery already sent or being sent is left alone)."""

from django.tasks import task


@task()
def deliver_task(delivery_id: int) -> str:
    from .services import deliver

    return deliver(delivery_id)
