"""The Django admin shows licenses read-only; license types are edited there."""

import pytest
from django.urls import reverse

from licenses.models import License
from licenses.tasks import issue_license
from portal.models import User
from tests.mfa import sign_in


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(email="admin@example.org", password="x" * 12)
    from tests.factories import enrol_totp

    enrol_totp(user)
    sign_in(client, user)
    return client


def test_licenses_are_listed_and_shown_read_only(admin_client, approved):
    issue_license.delay(approved.pk)
    license = License.objects.get()

    assert license.number in admin_client.get(reverse("admin:licenses_license_changelist")).content.decode()
    page = admin_client.get(reverse("admin:licenses_license_change", args=[license.pk]))
    assert page.status_code == 200 and license.sha256 in page.content.decode()
    assert admin_client.get(reverse("admin:licenses_license_add")).status_code == 403
    assert admin_client.post(reverse("admin:licenses_license_delete", args=[license.pk]), {"post": "yes"}).status_code == 403
    assert License.objects.filter(pk=license.pk).exists()


def test_license_types_are_edited_with_their_template(admin_client, business_license):
    page = admin_client.get(reverse("admin:licenses_licensetype_change", args=[business_license.pk]))
    assert page.status_code == 200 and "business_license" in page.content.decode()
