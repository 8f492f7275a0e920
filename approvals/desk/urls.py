from django.urls import path

from approvals.desk import views
from portal.middleware import staff_area

urlpatterns = staff_area(
    path("desk/", views.desk, name="desk"),
    path("desk/team/", views.desk_team, name="desk_team"),
    path("desk/<str:tracking_number>/", views.desk_application, name="desk_application"),
    path("desk/<str:tracking_number>/<slug:action>/", views.desk_action, name="desk_action"),
)
