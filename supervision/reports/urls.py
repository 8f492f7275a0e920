from django.urls import path

from portal.middleware import staff_area
from supervision.reports import views

urlpatterns = [
    *staff_area(
        path("supervision/reports/", views.report_list, name="supervision_reports"),
        path("supervision/reports/<int:pk>/", views.report_detail, name="supervision_report"),
        path("supervision/reports/<int:pk>/report.pdf", views.report_download, name="supervision_report_download"),
    ),
]
