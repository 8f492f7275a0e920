from django.urls import path

from portal.middleware import staff_area
from services import views, views_bundle_admin, views_list_admin

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/metrics/", views.catalogue_metrics, name="catalogue_metrics"),
    path("catalogue/versions/", views.catalogue_versions, name="catalogue_versions"),
    path("catalogue/versions/<int:number>/", views.catalogue_version, name="catalogue_version"),
    path("catalogue/export.<str:file_format>", views.catalogue_export, name="catalogue_export"),
    path("catalogue/bundles/", views.catalogue_bundles, name="catalogue_bundles"),
    path("catalogue/bundles/<str:code>/", views.catalogue_bundle, name="catalogue_bundle"),
    path("catalogue/<str:code>/", views.catalogue_item, name="catalogue_item"),
    path("catalogue/<str:code>/apply/", views.catalogue_apply, name="catalogue_apply"),
    path(
        "catalogue/<str:code>/materials/<int:material>/<str:which>.pdf",
        views.catalogue_material_file,
        name="catalogue_material_file",
    ),
    path("api/catalogue/<str:code>/", views.api_item, name="api_catalogue_item"),
    # List administrators.
    *staff_area(
        path("list-admin/", views_list_admin.home, name="list_admin"),
        path("list-admin/items/new/", views_list_admin.item_create, name="list_admin_item_create"),
        path("list-admin/items/<str:code>/", views_list_admin.item_edit, name="list_admin_item"),
        path("list-admin/items/<str:code>/retire/", views_list_admin.item_retire, name="list_admin_item_retire"),
        path("list-admin/items/<str:code>/restore/", views_list_admin.item_restore, name="list_admin_item_restore"),
        path("list-admin/bundles/", views_bundle_admin.bundle_list, name="list_admin_bundles"),
        path("list-admin/bundles/new/", views_bundle_admin.bundle_create, name="list_admin_bundle_create"),
        path("list-admin/bundles/<str:code>/", views_bundle_admin.bundle_edit, name="list_admin_bundle"),
        path("list-admin/bundles/<str:code>/retire/", views_bundle_admin.bundle_retire, name="list_admin_bundle_retire"),
        path("list-admin/bundles/<str:code>/restore/", views_bundle_admin.bundle_restore, name="list_admin_bundle_restore"),
        path("list-admin/publish/", views_list_admin.publish, name="list_admin_publish"),
        path("list-admin/changes/", views_list_admin.changes, name="list_admin_changes"),
        path("list-admin/export.<str:file_format>", views_list_admin.export, name="list_admin_export"),
        path("list-admin/import/", views_list_admin.import_upload, name="list_admin_import"),
        path("list-admin/import/<int:pk>/", views_list_admin.import_job, name="list_admin_import_job"),
    ),
]
