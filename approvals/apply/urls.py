"""Applicants: apply online, drafts, my applications and their files."""

from django.urls import path

from approvals.apply import bundle_views, views

urlpatterns = [
    path("apply/<str:code>/", views.apply_start, name="apply_start"),
    # Bundles ("get one thing done"): one form, one check, one page.
    path("apply/bundles/<str:code>/", bundle_views.bundle_apply, name="bundle_apply"),
    path("apply/bundles/<str:code>/check/", bundle_views.bundle_apply_check, name="bundle_apply_check"),
    path("me/bundles/<uuid:uid>/", bundle_views.my_bundle, name="my_bundle"),
    path("me/applications/", views.my_applications, name="my_applications"),
    path("me/applications/<uuid:uid>/", views.my_application, name="my_application"),
    path("me/applications/<uuid:uid>/answers/", views.apply_answers, name="apply_answers"),
    path("me/applications/<uuid:uid>/materials/", views.apply_materials, name="apply_materials"),
    path(
        "me/applications/<uuid:uid>/materials/<int:attachment_id>/remove/",
        views.apply_attachment_remove,
        name="apply_attachment_remove",
    ),
    path("me/applications/<uuid:uid>/delivery/", views.apply_delivery, name="apply_delivery"),
    path("me/applications/<uuid:uid>/check/", views.apply_check, name="apply_check"),
    path("me/applications/<uuid:uid>/submitted/", views.apply_confirmation, name="apply_confirmation"),
    path("me/applications/<uuid:uid>/withdraw/", views.apply_withdraw, name="apply_withdraw"),
    path("me/applications/<uuid:uid>/delete/", views.apply_discard, name="apply_discard"),
    # The desk links to the same URL: one permission check for every reader.
    path("me/applications/<uuid:uid>/files/<int:attachment_id>/", views.application_file, name="application_file"),
]
