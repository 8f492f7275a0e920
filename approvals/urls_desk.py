from django.urls import path

from approvals import desk_views

urlpatterns = [
    path("desk/", desk_views.desk, name="desk"),
    path("desk/team/", desk_views.desk_team, name="desk_team"),
    path("desk/<str:tracking_number>/", desk_views.desk_application, name="desk_application"),
    path("desk/<str:tracking_number>/<slug:action>/", desk_views.desk_action, name="desk_action"),
]
