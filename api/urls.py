from django.urls import path
from django.views.generic import RedirectView
from oauth2_provider import views as oauth_views

from api import views
from api.api import api
from portal.middleware import staff_area


def _api_urls():
    """django-ninja's routes, with our index at /api/v1/ (ninja's root only names the prefix)."""
    patterns, app_name, namespace = api.urls
    patterns = [
        path("", views.index, name="api-root") if getattr(pattern, "name", None) == "api-root" else pattern
        for pattern in patterns
    ]
    return patterns, app_name, namespace


urlpatterns = [
    # The interactive documentation is a staff page (second factor and all), so it lives in the
    # staff area; /api/ itself is not one. Before ninja's routes, which would take the address.
    path("api/v1/docs", RedirectView.as_view(pattern_name="api_docs"), name="api_v1_docs"),
    *staff_area(path("staff/api/docs/", views.docs, name="api_docs")),
    path("api/v1/", _api_urls()),
    path("api/oauth/token/", views.TokenView.as_view(), name="api_oauth_token"),
    path("api/oauth/revoke/", oauth_views.RevokeTokenView.as_view(), name="api_oauth_revoke"),
]
