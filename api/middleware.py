"""The API speaks the client's language and answers every error with problem details.

Pages follow the visitor's language cookie (portal.middleware.LanguageMiddleware);
machine clients have no cookie and say what they read with Accept-Language
(zh-hans or en). Chinese is the default, as on the site.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from api import problems

API_PREFIXES = ("/api/v1/", "/api/oauth/")


def accepted_language(header: str) -> str:
    """The first of the client's languages (by quality) that the API speaks; Chinese otherwise."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code, _quality in parse_accept_lang_header(header or ""):
        try:
            language = translation.get_supported_language_variant(code.lower())
        except LookupError:
            continue
        if language in supported:
            return language
    return settings.LANGUAGE_CODE


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIXES):
            return self.get_response(request)
        language = accepted_language(request.headers.get("accept-language", ""))
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            if response.status_code >= 400 and not self._is_problem(response) and self._is_api(request):
                response = self._as_problem(response)
        patch_vary_headers(response, ("Accept-Language",))
        response["Content-Language"] = language
        return response

    @staticmethod
    def _is_api(request) -> bool:
        return request.path_info.startswith("/api/v1/")

    @staticmethod
    def _is_problem(response) -> bool:
        return response.get("Content-Type", "").startswith(problems.CONTENT_TYPE)

    @staticmethod
    def _as_problem(response):
        """An error raised before the API saw the request (no route, wrong method, the docs refused)."""
        problem = problems.problem_response(response.status_code, detail=problems.status_detail(response.status_code))
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if response.has_header(header):
                problem[header] = response[header]
        return problem
