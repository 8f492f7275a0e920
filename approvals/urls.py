from django.urls import include, path

from approvals import calendar_views

urlpatterns = [
    # The working-day calendar: public month grid, and its administration.
    path("calendar/", calendar_views.calendar_index, name="calendar"),
    path("calendar/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
    path("staff/calendar/", calendar_views.staff_calendar, name="staff_calendar"),
    path("staff/calendar/notice/", calendar_views.staff_calendar_notice, name="staff_calendar_notice"),
]

# Applications: each area keeps its own URL module.
urlpatterns += [
    path("", include("approvals.urls_apply")),  # applicants: apply online, drafts, my applications, files
    path("", include("approvals.urls_desk")),  # approvers and heads: /desk/
    path("", include("approvals.urls_track")),  # anyone: /track/
    path("", include("approvals.urls_window")),  # window clerks: /window/
]
