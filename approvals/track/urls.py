from django.urls import path

from approvals.track import views

urlpatterns = [
    # Anyone, signed in or not: the status of an application by tracking number and query code.
    path("track/", views.track, name="track"),
]
