from django.urls import path

from portal.middleware import staff_area
from supervision import views

urlpatterns = staff_area(
    path("supervision/visits/", views.visits, name="supervision_visits"),
    path("supervision/overdue/", views.overdue, name="supervision_overdue"),
)
