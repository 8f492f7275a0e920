from django.urls import path

from portal.middleware import staff_area
from seals import views

# /verify/<number>/ is left for licenses (a license's public page).
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/root-ca.pem", views.root_ca_pem, name="verify_root_ca"),
    path("verify/crl.crl", views.crl_der, name="verify_crl"),
    path("verify/crl.pem", views.crl_pem, name="verify_crl_pem"),
    path("verify/root-ca.crl", views.root_crl_der, name="verify_root_crl"),
    *staff_area(
        path("staff/seals/", views.seal_list, name="seal_list"),
        path("staff/seals/usage/", views.usage_log, name="seal_usage"),
    ),
]
