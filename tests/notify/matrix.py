from tests.matrix import Case, only, rows


def _unread_for_everyone(cast) -> dict:
    from lienhe.notify.models import Notification

    for user in cast.users.values():
        Notification.objects.create(user=user, kind="test", title="Lịch sinh hoạt mới")
    return {}


CASES = [
    Case("notify:inbox", only({}, 200)),
    # Someone else's notification id answers 404 (not yours); see test_inbox.
    Case("notify:open", only({}, 404), kwargs=lambda c: {"pk": 999999}),
    Case(
        "notify:mark_all_read",
        only({}, 302),
        kwargs=_unread_for_everyone,
        method="post",
        effect=rows("notify.Notification", "read_at"),
        unaudited="reading one's own notifications changes no record of the project",
    ),
]
CASES.append(Case("notify:preferences", only({}, 200)))
# Operators only (superuser, province board): failed deliveries and their retry.
CASES.append(Case("notify:deliveries", only({"admin": 200, "province_staff": 200}, 403)))
CASES.append(
    Case(
        "notify:retry_delivery",
        only({"admin": 404, "province_staff": 404}, 403),
        kwargs=lambda c: {"pk": 999999},
        method="post",
        audit="notify.delivery.retried",
    )
)
