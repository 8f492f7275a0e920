from django.urls import path

from api.access import views

urlpatterns = [
    # Signed-in citizens: every read of their data, and of their enterprises', through the API.
    path("me/data-access/", views.mine, name="data_access_mine"),
]
