"""The shared cache, which may be away without taking the portal down with it.

Redis holds what is only a cache: sessions' copies (the database keeps them), cached
public pages, the list version's stamp, calendars, form classes. When Redis cannot be
reached, `SharedCache` answers as an empty cache: a read misses (the caller computes
the value), a write is dropped, an `add` reports that it did not add (so a replay check
refuses rather than lets through). A warning is logged, at most once a minute per process.

What must see an outage does not use it: the rate-limit counters keep a strict alias,
`counters` (portal/ratelimit.py decides there whether to fail open or closed), and the
readiness probe checks Redis through that alias too.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

ERRORS = (RedisError, OSError)
WARN_EVERY_SECONDS = 60


def _tolerant(name: str, fallback):
    """RedisCache's `name`, answering `fallback(*args, **kwargs)` when Redis cannot be reached."""
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def tolerant(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ERRORS as exc:
            _unavailable(name, exc)
            return fallback(*args, **kwargs)

    return tolerant


_warned_at = -WARN_EVERY_SECONDS


def _unavailable(operation: str, exc: Exception) -> None:
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY_SECONDS:
        _warned_at = now
        logger.warning("cache: Redis unavailable (%s: %s); %s served as a miss", type(exc).__name__, exc, operation)


def _nothing(*args, **kwargs):
    return None


def _no(*args, **kwargs):
    return False


class SharedCache(RedisCache):
    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    has_key = _tolerant("has_key", _no)
    add = _tolerant("add", _no)  # "not added": a replay check refuses
    set = _tolerant("set", _nothing)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))  # the keys not stored
    touch = _tolerant("touch", _no)
    delete = _tolerant("delete", _no)
    delete_many = _tolerant("delete_many", _nothing)
    clear = _tolerant("clear", _nothing)
