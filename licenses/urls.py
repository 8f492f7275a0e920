from django.urls import path, re_path
from django.views.generic import RedirectView

from licenses import views
from portal.middleware import staff_area

urlpatterns = [
    # The wallet: the holder's (and their enterprises') licenses.
    path("me/licenses/", views.wallet, name="wallet"),
    path("me/licenses/<str:number>/", views.wallet_license, name="wallet_license"),
    path("me/licenses/<str:number>/pdf/", views.wallet_license_pdf, name="wallet_license_pdf"),
    # 免提交: give a material by pointing at a license (the applicant's materials page posts here).
    path(
        "me/applications/<uuid:uid>/materials/<int:material_id>/license/",
        views.material_license,
        name="material_license",
    ),
    # Public: the QR target. /verify/ itself, root-ca.pem and the CRL belong to seals;
    # the trailing slash keeps this pattern off those files.
    path("verify/license/", views.verify_lookup, name="license_verify_lookup"),
    # The first release spelled it "licence"; old addresses redirect (see the end of this list).
    path(
        "verify/licence/",
        RedirectView.as_view(pattern_name="license_verify_lookup", query_string=True),
        name="license_verify_lookup_old_spelling",
    ),
    path("verify/<str:number>/", views.verify_license, name="license_verify"),
    # The issuing department's staff.
    *staff_area(
        path("staff/licenses/", views.staff_licenses, name="staff_licenses"),
        path("staff/licenses/reissue/", views.staff_reissue, name="staff_reissue"),
        path("staff/licenses/reissue/<int:pk>/", views.staff_reissue_job, name="staff_reissue_job"),
        path("staff/licenses/<str:number>/", views.staff_license, name="staff_license"),
        path("staff/licenses/<str:number>/pdf/", views.staff_license_pdf, name="staff_license_pdf"),
        path("staff/licenses/<str:number>/<slug:action>/", views.staff_license_action, name="staff_license_action"),
    ),
    # The first release spelled it "licence": the wallet's and staff pages' old addresses redirect.
    re_path(r"^(?P<area>me|staff)/licences/(?P<rest>.*)$", views.old_spelling, name="licenses_old_spelling"),
]
