"""Per-client counters for public pages that must not be brute-forced
(tracking look-ups, license verification, PDF uploads).

Counters live in the cache (Redis in production). The client address is
taken the same way allauth takes it for its own rate limits: from
X-Forwarded-For when the deployment says how many proxies it trusts
(TRUSTED_PROXY_COUNT), otherwise from the connection.
"""

from django.conf import settings
from django.core.cache import cache


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


def count(scope: str, request) -> int:
    return cache.get(_key(scope, request)) or 0


def hit(scope: str, request, *, window: int) -> int:
    """Count one attempt in a window that starts with the first; return the attempts so far."""
    return _hit(_key(scope, request), window)


def hit_key(key: str, *, window: int) -> int:
    """`hit` for a counter of something other than an address (say, an API client)."""
    return _hit(f"ratelimit:{key}", window)


def _hit(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def exceeded(scope: str, request, *, limit: int) -> bool:
    return count(scope, request) >= limit
