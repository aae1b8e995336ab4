"""Settings read from the environment: every value is checked at start-up, and a bad
one stops the process with a message naming the variable (issue 18, item 8)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lienhe import settings as conf

ROOT = Path(__file__).resolve().parent.parent


def test_envint_checks_the_range(monkeypatch):
    monkeypatch.setenv("LIENHE_TEST_INT", "-5")
    with pytest.raises(
        ImproperlyConfigured, match=r"LIENHE_TEST_INT must be between 1 and 1000, got -5"
    ):
        conf.envint("LIENHE_TEST_INT", 50, minimum=1, maximum=1000)
    monkeypatch.setenv("LIENHE_TEST_INT", "1001")
    with pytest.raises(ImproperlyConfigured, match="between 1 and 1000"):
        conf.envint("LIENHE_TEST_INT", 50, minimum=1, maximum=1000)
    with pytest.raises(ImproperlyConfigured, match="must be at least 2000"):
        conf.envint("LIENHE_TEST_INT", 50, minimum=2000)
    monkeypatch.setenv("LIENHE_TEST_INT", "7")
    assert conf.envint("LIENHE_TEST_INT", 50, minimum=1, maximum=1000) == 7
    monkeypatch.setenv("LIENHE_TEST_INT", "")
    assert conf.envint("LIENHE_TEST_INT", 50, minimum=1) == 50
    monkeypatch.setenv("LIENHE_TEST_INT", "năm mươi")
    with pytest.raises(ImproperlyConfigured, match="must be an integer"):
        conf.envint("LIENHE_TEST_INT", 50)


def test_envfloat_checks_type_and_range(monkeypatch):
    monkeypatch.setenv("LIENHE_TEST_FLOAT", "0.3")
    assert conf.envfloat("LIENHE_TEST_FLOAT", 10, minimum=0.1) == 0.3
    monkeypatch.setenv("LIENHE_TEST_FLOAT", "0")
    with pytest.raises(ImproperlyConfigured, match="LIENHE_TEST_FLOAT must be at least 0.1"):
        conf.envfloat("LIENHE_TEST_FLOAT", 10, minimum=0.1)
    monkeypatch.setenv("LIENHE_TEST_FLOAT", "ten")
    with pytest.raises(ImproperlyConfigured, match="must be a number"):
        conf.envfloat("LIENHE_TEST_FLOAT", 10)


def test_cache_backends():
    assert conf.cache_settings("", "lienhe_cache", "") == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lienhe_cache",
    }
    assert conf.cache_settings("db", "lienhe_cache", "")["BACKEND"].endswith("DatabaseCache")
    with pytest.raises(
        ImproperlyConfigured,
        match="CACHE_BACKEND must be one of locmem, db, redis, got 'memcached'",
    ):
        conf.cache_settings("memcached", "x", "")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL=redis://"):
        conf.cache_settings("redis", "x", "")
    with pytest.raises(ImproperlyConfigured, match="only used with CACHE_BACKEND=redis"):
        conf.cache_settings("db", "x", "redis://127.0.0.1:6379/0")


def test_cache_url_alone_selects_redis():
    try:
        import redis  # noqa: F401
    except ImportError:
        with pytest.raises(ImproperlyConfigured, match="'redis' Python package"):
            conf.cache_settings("", "x", "redis://127.0.0.1:6379/1")
    else:
        assert conf.cache_settings("", "x", "redis://127.0.0.1:6379/1") == {
            "BACKEND": "lienhe.rediscache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
        }


def test_redis_cache_reuses_its_client():
    """One `redis.Redis` per pool, not one per cache call (issue 21, session 8)."""
    pytest.importorskip("redis")
    from lienhe.rediscache import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/9", {})
    client = backend._cache.get_client("k")
    assert backend._cache.get_client("k", write=True) is client


def _start(
    script: str = "import django; django.setup()", **variables
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CACHE_", "MEMBER_LIST"))}
    env.update(DJANGO_SETTINGS_MODULE="lienhe.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"CACHE_BACKEND": "dbb"}, "CACHE_BACKEND must be one of locmem, db, redis, got 'dbb'"),
        ({"LIST_PAGE_SIZE": "-5"}, "LIST_PAGE_SIZE must be between 1 and 1000"),
        (
            {"LIENHE_TASK_HEARTBEAT_SECONDS": "30", "LIENHE_TASK_STALE_SECONDS": "20"},
            "LIENHE_TASK_STALE_SECONDS must be longer than LIENHE_TASK_HEARTBEAT_SECONDS",
        ),
    ],
)
def test_a_bad_value_stops_start_up(variables, message):
    result = _start(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_the_defaults_start():
    result = _start()
    assert result.returncode == 0, result.stderr


def _session_engine(**variables) -> str:
    result = _start("from django.conf import settings; print(settings.SESSION_ENGINE)", **variables)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sessions_are_read_from_the_cache_only_when_it_is_shared():
    # Redis is shared by every process; locmem (the default) and db are not or gain nothing.
    assert _session_engine() == "django.contrib.sessions.backends.db"
    assert _session_engine(CACHE_BACKEND="db") == "django.contrib.sessions.backends.db"
    assert (
        _session_engine(CACHE_URL="redis://127.0.0.1:6379/1")
        == "django.contrib.sessions.backends.cached_db"
    )
