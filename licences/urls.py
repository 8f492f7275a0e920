from django.urls import path

from licences import views

urlpatterns = [
    # The wallet: the holder's (and their enterprises') licences.
    path("me/licences/", views.wallet, name="wallet"),
    path("me/licences/<str:number>/", views.wallet_licence, name="wallet_licence"),
    path("me/licences/<str:number>/pdf/", views.wallet_licence_pdf, name="wallet_licence_pdf"),
    # 免提交: give a material by pointing at a licence (the applicant's materials page posts here).
    path(
        "me/applications/<uuid:uid>/materials/<int:material_id>/licence/",
        views.material_licence,
        name="material_licence",
    ),
    # Public: the QR target. /verify/ itself, root-ca.pem and the CRL belong to seals;
    # the trailing slash keeps this pattern off those files.
    path("verify/licence/", views.verify_lookup, name="licence_verify_lookup"),
    path("verify/<str:number>/", views.verify_licence, name="licence_verify"),
    # The issuing department's staff.
    path("staff/licences/", views.staff_licences, name="staff_licences"),
    path("staff/licences/reissue/", views.staff_reissue, name="staff_reissue"),
    path("staff/licences/reissue/<int:pk>/", views.staff_reissue_job, name="staff_reissue_job"),
    path("staff/licences/<str:number>/", views.staff_licence, name="staff_licence"),
    path("staff/licences/<str:number>/pdf/", views.staff_licence_pdf, name="staff_licence_pdf"),
    path("staff/licences/<str:number>/<slug:action>/", views.staff_licence_action, name="staff_licence_action"),
]
