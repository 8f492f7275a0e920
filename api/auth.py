"""Who is calling: a machine client's bearer token, checked on every call.

`MachineToken(scope)` is the auth of an endpoint: without a token, or with a
bad, expired or revoked one, or one whose client was deactivated, the call is
answered 401; with a token that lacks the endpoint's scope (or whose client
no longer has it), 403. Each client has its own rate limit. The endpoint finds
the client in `request.machine_client`.
"""

from __future__ import annotations

from django.conf import settings
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core

from api.models import MachineClient, Scope
from api.problems import InsufficientScope, NotAuthenticated, RateLimited
from portal import ratelimit

RATE_WINDOW_SECONDS = 60


def token_url() -> str:
    return f"{settings.SITE_URL}/api/oauth/token/"


class MachineToken(HttpBearer):
    openapi_type = "oauth2"

    def __init__(self, scope: str):
        if scope not in Scope.values:
            raise ValueError(f"Unknown scope {scope!r}")
        self.scope = scope
        self.openapi_flows = {"clientCredentials": {"tokenUrl": token_url(), "scopes": dict(Scope.choices)}}
        super().__init__()
        # HttpBearer's scheme is for parsing the header, not for the OAuth 2.0 security scheme.
        self.openapi_security_schema.pop("scheme", None)

    def authenticate(self, request, token: str) -> MachineClient:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid:
            raise NotAuthenticated()
        access_token = oauth_request.access_token
        client = (
            MachineClient.objects.active()
            .select_related("department", "application")
            .filter(application_id=access_token.application_id)
            .first()
        )
        if client is None:
            raise NotAuthenticated()
        calls = ratelimit.hit_key(f"api-client:{client.pk}", window=RATE_WINDOW_SECONDS)
        if calls > settings.API_CLIENT_PER_MINUTE:
            raise RateLimited(RATE_WINDOW_SECONDS)
        if not (access_token.allow_scopes([self.scope]) and client.has_scope(self.scope)):
            raise InsufficientScope(self.scope)
        request.machine_client = client
        request.access_token = access_token
        return client
