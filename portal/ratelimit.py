"""Per-client counters for public pages that must not be brute-forced
(tracking look-ups, license verification, PDF uploads).

Counters live in the cache (Redis in production). The client address is
taken the same way allauth takes it for its own rate limits: from
X-Forwarded-For when the deployment says how many proxies it trusts
(TRUSTED_PROXY_COUNT), otherwise from the connection.

When the cache cannot be reached, a counter either lets the request through
(`fail_open=True`, the default: public look-ups such as verifying a license,
where refusing would only take the page down with Redis) or counts it as over
the limit (`fail_open=False`: counters that guard a secret against guessing,
the tracking query code and the API's client secrets, so that an outage never
opens them to brute force). Either way a warning is logged, not a 500.
"""

import logging
import sys

from django.conf import settings
from django.core.cache import caches

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover (Redis is a dependency; the embedded default does not need it)
    RedisError = OSError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)
OVER_ANY_LIMIT = sys.maxsize


def _unavailable(key: str, exc: Exception, *, fail_open: bool) -> int:
    verdict = "allowed" if fail_open else "refused"
    logger.warning("ratelimit: the cache is unavailable (%s: %s); %s %s", type(exc).__name__, exc, key, verdict)
    return 0 if fail_open else OVER_ANY_LIMIT


def client_ip(request) -> str:
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("x-forwarded-for")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, request) -> str:
    return f"ratelimit:{scope}:{client_ip(request)}"


def count(scope: str, request, *, fail_open: bool = True) -> int:
    key = _key(scope, request)
    try:
        return caches["counters"].get(key) or 0
    except CACHE_ERRORS as exc:
        return _unavailable(key, exc, fail_open=fail_open)


def hit(scope: str, request, *, window: int, fail_open: bool = True) -> int:
    """Count one attempt in a window that starts with the first; return the attempts so far."""
    return _hit(_key(scope, request), window, fail_open=fail_open)


def hit_key(key: str, *, window: int, fail_open: bool = True) -> int:
    """`hit` for a counter of something other than an address (say, an API client)."""
    return _hit(f"ratelimit:{key}", window, fail_open=fail_open)


def _hit(key: str, window: int, *, fail_open: bool) -> int:
    try:
        caches["counters"].add(key, 0, window)
        try:
            return caches["counters"].incr(key)
        except ValueError:  # expired between add and incr
            caches["counters"].set(key, 1, window)
            return 1
    except CACHE_ERRORS as exc:
        return _unavailable(key, exc, fail_open=fail_open)


def exceeded(scope: str, request, *, limit: int, fail_open: bool = True) -> bool:
    return count(scope, request, fail_open=fail_open) >= limit
