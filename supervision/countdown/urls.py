from django.urls import path

from portal.middleware import staff_area
from supervision.countdown import views

urlpatterns = [
    *staff_area(
        path("supervision/countdown/", views.countdown, name="countdown"),
        path("supervision/countdown/new/", views.target_create, name="countdown_target_create"),
        path("supervision/countdown/<int:pk>/edit/", views.target_edit, name="countdown_target_edit"),
    ),
    # Public: a first segment of its own, outside every staff area.
    path("performance/", views.performance, name="performance"),
]
