"""The departmental data-sharing API, version 1 (/api/v1/, django-ninja).

Endpoints are thin: they call the same selectors and services as the pages.
Machine clients authenticate with OAuth 2.0 client credentials (api/oauth.py,
api/auth.py); every error is RFC 9457 problem details (api/problems.py).
"""

from ninja import NinjaAPI

from api import problems
from api.v1 import catalogue, licenses

class OneGateAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """django-ninja lists each operation's security scheme without scopes; an endpoint's
        openapi_extra adds the one with its scope, which is the one that holds."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                scoped = [entry for entry in operation.get("security", []) if any(entry.values())]
                if scoped:
                    operation["security"] = scoped
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
    docs_url=None,  # served by api.views.docs, for signed-in staff only
)
problems.install(api)
api.add_router("/catalogue", catalogue.router)
api.add_router("/licenses", licenses.router)
