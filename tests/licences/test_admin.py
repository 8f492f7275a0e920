"""The Django admin shows licences read-only; licence types are edited there."""

import pytest
from django.urls import reverse

from licences.models import Licence
from licences.tasks import issue_licence
from portal.models import User


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(email="admin@example.org", password="x" * 12)
    from tests.factories import enrol_totp

    enrol_totp(user)
    client.force_login(user)
    return client


def test_licences_are_listed_and_shown_read_only(admin_client, approved):
    issue_licence.delay(approved.pk)
    licence = Licence.objects.get()

    assert licence.number in admin_client.get(reverse("admin:licences_licence_changelist")).content.decode()
    page = admin_client.get(reverse("admin:licences_licence_change", args=[licence.pk]))
    assert page.status_code == 200 and licence.sha256 in page.content.decode()
    assert admin_client.get(reverse("admin:licences_licence_add")).status_code == 403
    assert admin_client.post(reverse("admin:licences_licence_delete", args=[licence.pk]), {"post": "yes"}).status_code == 403
    assert Licence.objects.filter(pk=licence.pk).exists()


def test_licence_types_are_edited_with_their_template(admin_client, business_licence):
    page = admin_client.get(reverse("admin:licences_licencetype_change", args=[business_licence.pk]))
    assert page.status_code == 200 and "business_licence" in page.content.decode()
