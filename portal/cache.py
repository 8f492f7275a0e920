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

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

ERRORS = (RedisError, OSError)
WARN_EVERY_SECONDS = 60


class SharedCache(RedisCache):
    _warned_at = 0.0

    def _unavailable(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - SharedCache._warned_at >= WARN_EVERY_SECONDS:
            SharedCache._warned_at = now
            logger.warning("cache: Redis unavailable (%s: %s); %s served as a miss", type(exc).__name__, exc, operation)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except ERRORS as exc:
            self._unavailable("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except ERRORS as exc:
            self._unavailable("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except ERRORS as exc:
            self._unavailable("has_key", exc)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except ERRORS as exc:
            self._unavailable("add", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except ERRORS as exc:
            self._unavailable("set", exc)
            return None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except ERRORS as exc:
            self._unavailable("set_many", exc)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except ERRORS as exc:
            self._unavailable("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except ERRORS as exc:
            self._unavailable("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except ERRORS as exc:
            self._unavailable("delete_many", exc)
            return None

    def clear(self):
        try:
            return super().clear()
        except ERRORS as exc:
            self._unavailable("clear", exc)
            return None
