from django.urls import path

from portal.middleware import staff_area
from supervision.ratings import views

urlpatterns = [
    # Signed-in citizens: their own ratings, complaints and cases.
    path("me/ratings/", views.mine, name="ratings_mine"),
    path("me/ratings/application/<uuid:uid>/", views.rate_application, name="ratings_rate_application"),
    path("me/ratings/visit/<int:pk>/", views.rate_visit, name="ratings_rate_visit"),
    path("me/ratings/case/<int:pk>/", views.my_case, name="ratings_mine_case"),
    # Anyone: the window QR's one-time rating page, complaints and their status.
    path("rate/<str:token>/", views.rate_by_token, name="ratings_rate_token"),
    path("complaints/new/", views.complaint_new, name="complaints_new"),
    path("track/complaint/", views.track_complaint, name="track_complaint"),
    # Those who may read the complaint: its case's staff, the signed-in filer, whoever tracked it this session.
    path("complaints/<uuid:uid>/files/<int:pk>/", views.complaint_attachment, name="complaint_attachment"),
    *staff_area(
        path("supervision/ratings/", views.cases, name="ratings_cases"),
        path("supervision/ratings/cases/<int:pk>/", views.case, name="ratings_case"),
        path("supervision/ratings/visits/<int:pk>/qr/", views.window_qr, name="ratings_window_qr"),
    ),
]
