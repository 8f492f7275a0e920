"""Published versions are immutable: the database itself refuses to update them."""

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from services.models import FormField, ItemVersion, ListChange, ListEntry, ListVersion, Material
from services.services import MaterialInput
from tests.factories import UserFactory
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(department):
    item = make_item(
        department,
        materials=[MaterialInput("申请书", "Application", True, [])],
        fields=[{"key": "name", "type": "text", "label_zh": "名称", "label_en": "Name"}],
    )
    version = publish()
    return item, version


def _refused(queryset, **changes):
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        queryset.update(**changes)


def test_the_database_refuses_to_change_a_published_snapshot(published):
    item, version = published
    snapshot = ItemVersion.objects.snapshots().filter(item=item)
    _refused(snapshot, promised_limit_days=1)
    _refused(snapshot, name_zh="改名")
    _refused(Material.objects.filter(item_version__in=snapshot), name_zh="改名")
    _refused(FormField.objects.filter(item_version__in=snapshot), required=False)
    assert snapshot.get().promised_limit_days == 5


def test_the_database_refuses_to_change_a_version_its_entries_or_the_audit(published):
    item, version = published
    _refused(ListVersion.objects.filter(pk=version.pk), note="rewritten history")
    _refused(ListEntry.objects.filter(list_version=version), item_version=ItemVersion.objects.drafts().get(item=item))
    _refused(ListChange.objects.all(), note="rewritten")


def test_the_database_refuses_to_move_a_draft_material_into_a_snapshot(published):
    item, version = published
    snapshot = ItemVersion.objects.snapshots().get(item=item)
    _refused(Material.objects.filter(item_version__published_in__isnull=True), item_version=snapshot)


def test_the_draft_stays_editable(published):
    item, _version = published
    assert ItemVersion.objects.drafts().filter(item=item).update(name_zh="草稿改名") == 1
    assert Material.objects.filter(item_version__published_in__isnull=True).update(name_zh="改") == 1


@pytest.mark.parametrize("model", [ItemVersion, ListVersion, ListChange])
def test_django_admin_is_read_only_for_the_list(published, model):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    obj = model.objects.first()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
