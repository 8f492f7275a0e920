from django.urls import path

from approvals.documents import views
from portal.middleware import staff_area

urlpatterns = [
    path("documents/<uuid:uid>/", views.decision_document, name="decision_document"),
    # Public: the QR code on every document leads here (/verify/<number>/ is a license's page).
    path("verify/document/<str:number>/", views.decision_verify, name="decision_verify"),
    *staff_area(
        path(
            "desk/<str:tracking_number>/documents/<uuid:uid>/dispatch/",
            views.document_dispatch,
            name="decision_document_dispatch",
        ),
        path(
            "desk/<str:tracking_number>/documents/<uuid:uid>/delivered/",
            views.document_delivered,
            name="decision_document_delivered",
        ),
        path("list-admin/documents/", views.document_wording, name="decision_document_wording"),
        path("list-admin/documents/<slug:kind>.pdf", views.document_sample, name="decision_document_sample"),
    ),
]
