from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.permissions import needs_mfa_enrolment

STAFF_PATH_PREFIXES = ("/admin/", "/desk/", "/window/", "/list-admin/", "/supervision/", "/staff/")


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
    """Send staff without a second factor to enrol before any staff page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(STAFF_PATH_PREFIXES) and request.user.is_authenticated:
            if needs_mfa_enrolment(request.user):
                url = reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)
