"""The comprehensive window: /window/ for window clerks, and the applicant's
copies of the receipt and the correction notice."""

from django.urls import path

from approvals.window import bundle_views, views
from portal.middleware import staff_area

urlpatterns = [
    *staff_area(
        path("window/", views.window, name="window"),
        path("window/people/new/", views.window_person_new, name="window_person_new"),
        path("window/people/<int:pk>/", views.window_person, name="window_person"),
        path("window/people/<int:pk>/bundles/<str:code>/", bundle_views.window_bundle_start, name="window_bundle_start"),
        path(
            "window/people/<int:pk>/bundles/<str:code>/check/", bundle_views.window_bundle_check, name="window_bundle_check"
        ),
        path("window/bundles/<uuid:uid>/", bundle_views.window_bundle, name="window_bundle"),
        path("window/enterprises/new/", views.window_enterprise_new, name="window_enterprise_new"),
        path("window/enterprises/<int:pk>/", views.window_enterprise, name="window_enterprise"),
        path("window/applications/<uuid:uid>/", views.window_application, name="window_application"),
        path("window/applications/<uuid:uid>/accept/", views.window_accept, name="window_accept"),
        path("window/applications/<uuid:uid>/not-accept/", views.window_not_accept, name="window_not_accept"),
        path("window/applications/<uuid:uid>/correction/", views.window_correction, name="window_correction"),
        path("window/applications/<uuid:uid>/visits/", views.window_application_visit, name="window_application_visit"),
        path(
            "window/applications/<uuid:uid>/files/<int:attachment_id>/remove/",
            views.window_attachment_remove,
            name="window_attachment_remove",
    ),
    path("window/applications/<uuid:uid>/receipt.pdf", views.window_receipt, name="window_receipt"),
    path(
        "window/applications/<uuid:uid>/corrections/<int:pk>.pdf",
        views.window_correction_notice,
        name="window_correction_notice",
    ),
    ),
    # The same documents for the applicant, from their application page.
    path("me/applications/<uuid:uid>/receipt.pdf", views.application_receipt, name="application_receipt"),
    path(
        "me/applications/<uuid:uid>/corrections/<int:pk>.pdf",
        views.application_correction_notice,
        name="application_correction_notice",
    ),
]
