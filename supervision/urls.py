from django.urls import include, path

from portal.middleware import staff_area
from supervision import views

urlpatterns = [
    *staff_area(
        path("supervision/visits/", views.visits, name="supervision_visits"),
        path("supervision/overdue/", views.overdue, name="supervision_overdue"),
        path("supervision/bundles/", views.bundles, name="supervision_bundles"),
    ),
    path("", include("supervision.ratings.urls")),
    path("", include("supervision.accountability.urls")),
    path("", include("supervision.countdown.urls")),
    path("", include("supervision.reports.urls")),
]
