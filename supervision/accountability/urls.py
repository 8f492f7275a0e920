from django.urls import path

from portal.middleware import staff_area
from supervision.accountability import views

urlpatterns = [
    *staff_area(
        path("supervision/accountability/", views.case_list, name="accountability_cases"),
        path("supervision/accountability/new/", views.case_new, name="accountability_case_new"),
        path("supervision/accountability/<str:number>/", views.case_detail, name="accountability_case"),
        path(
            "supervision/accountability/<str:number>/<slug:action>/",
            views.case_step,
            name="accountability_case_step",
        ),
        path("supervision/meetings/", views.meeting_list, name="accountability_meetings"),
        path("supervision/meetings/new/", views.meeting_new, name="accountability_meeting_new"),
        path("supervision/meetings/<int:pk>/", views.meeting_detail, name="accountability_meeting"),
        path("supervision/meetings/actions/<int:pk>/done/", views.action_done, name="accountability_action_done"),
    ),
    # Public: notices of criticism (通报批评) name departments and facts, never applicants.
    # They live outside the /supervision/ staff area so that anyone can read them.
    path("notices/", views.notice_list, name="accountability_notices"),
    path("notices/<str:number>/", views.notice_detail, name="accountability_notice"),
]
