"""Files that crawlers and browsers ask for at the site's root: robots.txt and favicon.ico."""

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Areas behind a sign-in, or of no use to a search engine. Everything else (the home page,
# the catalogue and its items, tracking, verification, the calendar, the notices) is public.
PRIVATE_PREFIXES = (
    "/me/",
    "/apply/",
    "/desk/",
    "/window/",
    "/supervision/",
    "/staff/",
    "/list-admin/",
    "/admin/",
    "/api/",
    "/accounts/",
    "/identity/",
    "/i18n/",
)


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES), "Allow: /", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@cache
def _favicon_bytes() -> bytes:
    return Path(finders.find("img/favicon.ico")).read_bytes()


@require_safe
@cache_control(public=True, max_age=604800)
def favicon(request):
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
