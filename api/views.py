"""The pages of the API that are not endpoints: its index and its interactive documentation."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja.openapi.views import openapi_view
from oauth2_provider import views as oauth_views

from api.api import api
from api.problems import RateLimited
from portal import ratelimit
from portal.permissions import is_staff_member, needs_second_factor

RATE_WINDOW_SECONDS = 60


class TokenView(oauth_views.TokenView):
    """django-oauth-toolkit's token endpoint, with at most API_TOKEN_PER_MINUTE requests per address."""

    def post(self, request, *args, **kwargs):
        # Client secrets: with the cache down, token requests are refused rather than left unlimited.
        if ratelimit.hit("api-token", request, window=RATE_WINDOW_SECONDS, fail_open=False) > settings.API_TOKEN_PER_MINUTE:
            return RateLimited(RATE_WINDOW_SECONDS).response()
        return super().post(request, *args, **kwargs)


@require_GET
def index(request, **kwargs):
    """/api/v1/: where the schema, the documentation and the token endpoint are."""
    return JsonResponse(
        {
            "openapi": request.build_absolute_uri(reverse("api_v1:openapi-json")),
            "docs": request.build_absolute_uri(reverse("api_docs")),
            "token_endpoint": request.build_absolute_uri(reverse("api_oauth_token")),
        }
    )


@require_GET
def docs(request):
    """Swagger UI over the OpenAPI schema, for staff (the staff area asks for their second factor)."""
    user = request.user
    if not user.is_authenticated or not is_staff_member(user) or needs_second_factor(request):
        raise PermissionDenied
    return openapi_view(request, api=api)
