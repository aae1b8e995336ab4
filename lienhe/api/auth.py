"""Bearer token authentication with a per-token fixed-window rate limit."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.security import HttpBearer

from .errors import RateLimited
from .models import ApiToken, hash_token

# Requests per window per token. Settings may override; defaults are generous for a
# mobile handbook app and tight enough to stop a runaway script.
DEFAULT_RATE_LIMIT = 600
DEFAULT_RATE_WINDOW = 60
LAST_USED_RESOLUTION = 60  # seconds: avoid one UPDATE per request


def rate_limit() -> tuple[int, int]:
    return (
        int(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE_LIMIT)),
        int(getattr(settings, "API_RATE_WINDOW", DEFAULT_RATE_WINDOW)),
    )


def check_rate(token_id: int) -> None:
    limit, window = rate_limit()
    now = int(time.time())
    bucket = now // window
    key = f"lienhe:api:rate:{token_id}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, (bucket + 1) * window - now))


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        token = (token or "").strip()
        if not token or len(token) > 200:
            return None
        row = (
            ApiToken.objects.active()
            .select_related("user", "user__member")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        check_rate(row.pk)
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > (
            LAST_USED_RESOLUTION
        ):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
        return row.user
