from django.urls import path

from approvals import track_views

urlpatterns = [
    # Anyone, signed in or not: the status of an application by tracking number and query code.
    path("track/", track_views.track, name="track"),
]
