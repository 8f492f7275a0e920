"""The log has no path that changes an entry: the admin only shows it, the model saves plainly,
and the only writer is access_record."""

from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from api.access.admin import AccessLogEntryAdmin, AccessPurposeAdmin
from api.access.models import AccessLogEntry, AccessPurpose


def test_the_admin_shows_the_log_but_never_changes_it(db, django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create_superuser(email="root@example.gov.cn", password="x")
    log = AccessLogEntryAdmin(AccessLogEntry, admin.site)

    assert not log.has_add_permission(request)
    assert not log.has_change_permission(request) and not log.has_delete_permission(request)
    assert set(log.readonly_fields) == {f.name for f in AccessLogEntry._meta.fields}


def test_administrators_keep_purposes_but_never_delete_or_recode_them(db, django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create_superuser(email="root2@example.gov.cn", password="x")
    purposes = AccessPurposeAdmin(AccessPurpose, admin.site)
    purpose = AccessPurpose.objects.get(code="license-verification")

    assert purposes.has_add_permission(request) and purposes.has_change_permission(request, purpose)
    assert not purposes.has_delete_permission(request, purpose)
    assert "code" in purposes.get_readonly_fields(request, purpose)
    assert "code" not in purposes.get_readonly_fields(request, None)


def test_the_models_hide_nothing_in_save():
    assert AccessLogEntry.save is models.Model.save and AccessLogEntry.delete is models.Model.delete
    assert AccessPurpose.save is models.Model.save
