import functools
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.permissions import act_without_staff_roles, needs_mfa_enrolment, needs_second_factor

# -- staff areas ---------------------------------------------------------------------
#
# A staff area is the first segment of a staff page's address ("/desk/"):
# everything under it, including addresses that match no page, is for staff.
# The areas are read from the URL configuration. A URL module marks its staff
# pages with `staff_area(...)`; the Django admin site is one by nature.

STAFF_MARK = "staff_area"


def staff_area(*patterns: URLPattern | URLResolver) -> list[URLPattern | URLResolver]:
    """Mark URL patterns as staff pages: `urlpatterns = [..., *staff_area(path("desk/", ...), ...)]`.

    Their first path segment becomes a staff area (see `staff_path_prefixes`).
    """
    for pattern in patterns:
        setattr(pattern, STAFF_MARK, True)
    return list(patterns)


def _is_admin_site(resolver: URLResolver) -> bool:
    return resolver.app_name == "admin"


def staff_routes(resolver: URLResolver | None = None):
    """(route, full path pattern) of every staff page in the URL configuration."""

    def walk(patterns, prefix: str, staff: bool):
        for entry in patterns:
            marked = staff or getattr(entry, STAFF_MARK, False)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), marked or _is_admin_site(entry))
            elif marked:
                yield entry, prefix + str(entry.pattern)

    yield from walk((resolver or get_resolver()).url_patterns, "", False)


def _first_segment(path: str) -> str:
    segment = path.lstrip("^").split("/", 1)[0]
    if not segment or "/" not in path or any(c in segment for c in "<>()[]?*+.\\|$^"):
        raise ImproperlyConfigured(
            f"The staff page {path!r} does not start with a fixed path segment, so it cannot mark a staff area."
        )
    return f"/{segment}/"


@functools.lru_cache(maxsize=4)
def _staff_path_prefixes(resolver: URLResolver) -> tuple[str, ...]:
    return tuple(sorted({_first_segment(path) for _pattern, path in staff_routes(resolver)}))


def staff_path_prefixes(resolver: URLResolver | None = None) -> tuple[str, ...]:
    """The staff areas of the URL configuration, as path prefixes ("/desk/", "/staff/", ...)."""
    return _staff_path_prefixes(resolver or get_resolver())


class LanguageMiddleware:
    """Chinese unless the visitor chose otherwise with the language switch.

    Unlike LocaleMiddleware, the browser's Accept-Language is not consulted:
    the city's portal speaks Chinese first, and English on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()  # the thread serves the next request with a clean slate
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class StaffMFAMiddleware:
    """Staff act as staff only in a session that passed the second factor.

    On a staff page, staff without a second factor are sent to enrol one, and
    staff whose session did not pass it (signed in some other way) are asked
    for a code. Elsewhere such a session holds no staff role.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and needs_second_factor(request):
            if request.path_info.startswith(staff_path_prefixes()):
                step = "mfa_activate_totp" if needs_mfa_enrolment(request.user) else "mfa_reauthenticate"
                return redirect(reverse(step) + "?" + urlencode({"next": request.get_full_path()}))
            act_without_staff_roles(request.user)
        return self.get_response(request)
