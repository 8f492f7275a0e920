from django.contrib import admin
from django.urls import include, path

from portal import health, views, views_site

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.unavailable.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/suggest/", views.home_suggest, name="home_suggest"),
    path("robots.txt", views_site.robots_txt, name="robots_txt"),
    path("favicon.ico", views_site.favicon, name="favicon"),
    # For the load balancer; portal.health.HealthCheckMiddleware answers them ahead of the stack.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("me/", views.me, name="me"),
    path("me/profile/", views.profile, name="profile"),
    path("me/enterprises/", views.enterprise_list, name="enterprise_list"),
    path("me/enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("me/enterprises/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("me/acting-as/", views.acting_as_switch, name="acting_as"),
    path("me/messages/", views.message_list, name="messages"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    # allauth's authorization endpoint, at its own address, with OneGate's rules (see the view).
    path("identity/o/authorize", views.oidc_authorization, name="oidc_authorization"),
    path("", include("allauth.idp.urls")),
    path("admin/", admin.site.urls),
    path("", include("services.urls")),
    path("", include("deadlines.urls")),
    path("", include("approvals.urls")),
    path("", include("licenses.urls")),
    path("", include("seals.urls")),
    path("", include("supervision.urls")),
    path("", include("api.urls")),
    path("", include("api.access.urls")),
]
