"""Demo data of the api app: a random API key per demo user (printed once by
`seed_demo`, so the API can be tried at once; never a guessable key, issue 15
finding 9 — the administrator gets none) and a finished import."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lienhe.demo.context import DemoContext, extender
from lienhe.members.models import ImportJob

from .models import ApiToken, hash_token, new_raw_token


@extender(90)
def seed_api(ctx: DemoContext) -> None:
    """Keys are random; the raw values exist only in `ctx.extras["api_keys"]`
    (username → key), which `seed_demo` prints once; only their hashes are stored."""
    now = timezone.now()
    tokens = []
    keys = ctx.extras.setdefault("api_keys", {})
    for username, user in sorted(ctx.users.items()):
        if user.is_superuser:
            continue  # no ready-made key for the all-powerful account
        raw = new_raw_token()
        keys[username] = raw
        tokens.append(
            ApiToken(
                user=user,
                name="Sổ tay đảng viên điện tử (dữ liệu mẫu)",
                token_hash=hash_token(raw),
                prefix=raw[:10],
                last_used_at=now - dt.timedelta(hours=ctx.rng.randint(1, 72)),
            )
        )
    ApiToken.objects.bulk_create(tokens, ignore_conflicts=True)
    staff = ctx.users.get("xa")
    if staff is None or not ctx.communes:
        return
    commune = next(
        (c for c in ctx.communes if staff.roles.filter(organization=c).exists()), ctx.communes[0]
    )
    total = max(1, min(ctx.members // 20, 5000))
    ImportJob.objects.create(
        user=staff,
        organization=commune,
        kind=ImportJob.Kind.MEMBERS,
        filename="danh-sach-dang-vien-tu-phan-mem-cu.xlsx",
        content=b"",
        headers=["STT", "Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Chi bộ"],
        mapping={"1": "card_number", "2": "full_name", "3": "birth_date", "4": "org_name"},
        state=ImportJob.State.DONE,
        processed=total,
        total=total,
        result={
            "kind": "members",
            "total": total,
            "creates": 0,
            "updates": total // 10,
            "unchanged": total - total // 10,
            "error_count": 0,
            "errors": [],
            "preview_creates": [],
            "preview_updates": [],
        },
        finished_at=now - dt.timedelta(days=3),
    )
