"""With TIQUE_REDIS_URL set, the rate limit counts in Redis, so every app process
shares one count."""

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from tique.core import ratelimit

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379")
def test_two_processes_share_one_count_in_redis(monkeypatch):
    first, second = (RedisCache(REDIS_URL, {}) for _ in range(2))
    first.clear()
    try:
        monkeypatch.setattr(ratelimit, "cache", first)
        assert ratelimit.hit("signin", "ana@acme.example", limit=2, window=60)
        assert ratelimit.hit("signin", "ana@acme.example", limit=2, window=60)
        # Another process, with its own connection, sees the same count.
        monkeypatch.setattr(ratelimit, "cache", second)
        assert not ratelimit.hit("signin", "ana@acme.example", limit=2, window=60)
    finally:
        first.clear()
