"""Django's Redis cache with one client object per connection pool.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call;
redis-py 5+ copies its table of ~170 response callbacks into each new client, which
costs about as much as the Redis round trip itself (50-110 µs on the 2-core machine,
issue 21, session 8). A signed-in page makes one to three cache calls (the session,
the home's cached panels), so the client is kept and reused. A `redis.Redis` is
thread-safe (each command takes a connection from the pool), and the pools are Django's
own, so behaviour and configuration are unchanged."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
