"""Health for the load balancer and the container runtime.

- `/healthz`: the process is alive and answers; it touches nothing else, so a
  database or Redis outage does not get healthy web processes restarted.
- `/readyz`: this process can serve: the database answers a trivial query, the
  cache (Redis) stores and returns a value, and private storage takes a small
  probe file and deletes it. 200 when every check passes, 503 when any fails;
  the JSON body lists each check (a failure by its exception's type only: the
  page is public, the details go to the log).

`HealthCheckMiddleware` answers both before any other middleware except the
request id: no redirect to HTTPS, no host check (a probe may come by IP), no
session, language, sign-in or rate limit. The URL configuration names the same
views (`healthz`, `readyz`) so that they can be reversed and audited.
"""

import logging
import time
import uuid

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

HEALTHZ = "/healthz"
PROBE_POLICY = "default-src 'none'; object-src 'self'; base-uri 'none'; frame-ancestors 'none'"
READYZ = "/readyz"


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def _cache() -> None:
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    caches["counters"].set(key, value, 30)
    try:
        if caches["counters"].get(key) != value:
            raise RuntimeError("the cache did not return what it stored")
    finally:
        caches["counters"].delete(key)


def _storage() -> None:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.probe", ContentFile(b"readyz"))
    default_storage.delete(name)


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # any failure means not ready; which one is logged
            logger.warning("readyz: %s check failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return results


@never_cache
def readyz(request):
    checks = run_checks()
    ready = all(result["ok"] for result in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


class HealthCheckMiddleware:
    """Answers /healthz and /readyz (GET or HEAD) ahead of the rest of the stack."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {HEALTHZ: healthz, READYZ: readyz}

    def __call__(self, request):
        view = self.views.get(request.path_info.rstrip("/") or "/")
        if view is not None and request.method in ("GET", "HEAD"):
            response = view(request)
            # The headers the skipped security middleware would set: the body is data, never a page.
            response["Content-Security-Policy"] = PROBE_POLICY
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.get_response(request)
