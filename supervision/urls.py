from django.urls import path

from supervision import views

urlpatterns = [
    path("supervision/visits/", views.visits, name="supervision_visits"),
    path("supervision/overdue/", views.overdue, name="supervision_overdue"),
]
