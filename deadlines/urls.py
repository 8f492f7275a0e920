from django.urls import path

from deadlines import views
from portal.middleware import staff_area

urlpatterns = [
    # The working-day calendar: the public month grid, and its administration.
    path("calendar/", views.calendar_index, name="calendar"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
    *staff_area(
        path("staff/calendar/", views.staff_calendar, name="staff_calendar"),
        path("staff/calendar/notice/", views.staff_calendar_notice, name="staff_calendar_notice"),
    ),
]
