"""Whole public pages kept in the shared cache for anonymous visitors.

`@public_page` serves a page that is the same for every anonymous visitor who
asks the same thing: the home page, and (through `services.public_cache`) the
catalogue, its search, the item pages and the list metrics. The key is the
view, a stamp of what the page shows (for the approval list, the version in
force), the language and the full path with its query string, so a new stamp
is seen at once and nothing has to be deleted.

Only what is safe to share is stored:

- the request is a GET or HEAD from a visitor who is not signed in and sends no
  cookie but the language and CSRF ones (a session or messages cookie means the
  page may carry something personal, so it is neither served from nor stored
  into the cache);
- the response is a 200, sets no cookie, and rendering it drew neither a CSRF
  token nor a CSP nonce (both are per visitor and would be wrong for the next
  one; the language switch renders its token for signed-in users only).

A cached page carries an ETag and Last-Modified (the stamp's time, or when
the page was stored for pages with a `ttl`), answers a
matching conditional request with 304, and says `Cache-Control: public` with a
short max-age. Everyone else gets the page rendered for them, marked
`private, no-store`. The language comes from a cookie (see LanguageMiddleware),
which already adds `Vary: Cookie`; Accept-Language is not consulted.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

# How long a browser or proxy may reuse a page without asking again.
PUBLIC_MAX_AGE = 60
# How long the shared cache keeps a page. A new list version is a new key; this
# bounds how long a change the stamp does not see (a department's new name) waits.
STORE_SECONDS = 600
KEY_PREFIX = "public-page"


def shareable_request(request) -> bool:
    """Whether this request may be answered from, and stored into, the shared cache."""
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    allowed = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    return set(request.COOKIES) <= allowed


def shareable_response(request, response) -> bool:
    """Whether the response holds nothing that belongs to this visitor alone."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token was rendered
        and not isinstance(getattr(request, "_csp_nonce", None), str)  # an inline script's nonce was drawn
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def page_key(request, view_name: str, stamp_number: int, ttl: int | None) -> str:
    asked = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    window = int(time.time() // ttl) if ttl else 0
    return f"{KEY_PREFIX}:{view_name}:{stamp_number}:{get_language()}:{window}:{asked}"


def _entry(response: HttpResponse, last_modified: datetime | None) -> dict:
    content = response.content
    return {
        "content": content,
        "headers": dict(response.headers),
        "etag": '"%s"' % hashlib.sha256(content).hexdigest()[:32],
        "last_modified": (last_modified or timezone.now()).timestamp(),
    }


def _public_response(request, entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], headers=entry["headers"])
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=int(entry["last_modified"]), response=response
    )


Stamp = Callable[[], tuple[int, "datetime | None"]]


def _no_stamp() -> tuple[int, None]:
    return 0, None


def public_page(view=None, *, ttl: int | None = None, stamp: Stamp | None = None):
    """Cache a public view's page for anonymous visitors (see the module's docstring).

    `stamp` names what the page shows, as a number and the time it took effect
    (the approval list's version in force): a new number is a new key. A page
    without one needs a `ttl`, and is kept for at most that many seconds; so
    is a page whose numbers move between stamps (the metrics).
    """
    if stamp is None and not ttl:
        raise ValueError("A page without a stamp needs a ttl.")
    stamp = stamp or _no_stamp

    def decorate(view):
        view_name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not shareable_request(request):
                response = view(request, *args, **kwargs)
                if "Cache-Control" not in response:
                    patch_cache_control(response, private=True, no_store=True)
                return response
            number, stamped_at = stamp()
            key = page_key(request, view_name, number, ttl)
            entry = cache.get(key)
            if entry is None:
                response = view(request, *args, **kwargs)
                if not shareable_response(request, response):
                    return response
                entry = _entry(response, None if ttl else stamped_at)
                cache.set(key, entry, min(ttl, STORE_SECONDS) if ttl else STORE_SECONDS)
            return _public_response(request, entry)

        return wrapper

    return decorate(view) if view is not None else decorate
