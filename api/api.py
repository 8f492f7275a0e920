"""The departmental data-sharing API, version 1 (/api/v1/, django-ninja).

Endpoints are thin: they call the same selectors and services as the pages.
Machine clients authenticate with OAuth 2.0 client credentials (api/oauth.py,
api/auth.py); every error is RFC 9457 problem details (api/problems.py).
"""

from ninja import NinjaAPI

from api import problems
from api.v1 import catalogue, licenses

PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "RFC 9457 problem details; title and detail in the language of Accept-Language.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "urn:onegate:problem:<kind>, or about:blank"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "422 only: where and what.",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": "array", "items": {"type": "string"}},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}
ERRORS = {
    "400": "Bad request",
    "401": "No valid token (missing, unknown, expired or revoked), or the client is deactivated",
    "403": "The token or the client lacks the endpoint's scope",
    "404": "Not found",
    "410": "No longer available",
    "422": "Invalid parameters: see errors",
    "429": "Too many calls: see the Retry-After header",
}


def _problem_responses(operation: dict) -> None:
    """Each operation's error answers, as application/problem+json."""
    codes = {"404", "422", "429"} | ({"401", "403"} if operation.get("security") else set())
    for code in sorted(codes):
        operation["responses"].setdefault(
            code,
            {
                "description": ERRORS[code],
                "content": {problems.CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            },
        )


class OneGateAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
        for operations in schema["paths"].values():
            for operation in operations.values():
                # django-ninja lists the security scheme without scopes; the endpoint's
                # openapi_extra adds it with its scope, which is the one that holds.
                scoped = [entry for entry in operation.get("security", []) if any(entry.values())]
                if scoped:
                    operation["security"] = scoped
                _problem_responses(operation)
        return schema


api = OneGateAPI(
    title="OneGate departmental API",
    version="1",
    description=(
        "The city's data-sharing API for departmental systems. Get a token from /api/oauth/token/ "
        "with the client credentials grant (a client secret or, preferred, private_key_jwt), and send it "
        "as `Authorization: Bearer <token>`. Errors are RFC 9457 problem details, in the language of "
        "Accept-Language (zh-hans by default, or en). See docs/api.md."
    ),
    urls_namespace="api_v1",
    openapi_url="/openapi.json",
    docs_url=None,  # api.views.docs serves it, in the staff area
)
problems.install(api)
api.add_router("/catalogue", catalogue.router)
api.add_router("/licenses", licenses.router)
api.add_router("", "api.v1.people.router")
api.add_router("", "api.v1.writes.router")
