"""Private files go through Django's storage API only, so another backend (S3 in
production) is one setting away: with an in-memory storage in place of the
filesystem, a material and a license are stored, served and verified the same way."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.urls import reverse

from licenses.models import License
from licenses.tasks import issue_license
from tests.licenses.conftest import PDF


@pytest.fixture
def memory_storage(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    default_storage._setup()
    assert isinstance(default_storage._wrapped, InMemoryStorage)
    return default_storage


def test_a_license_is_stored_and_served_through_the_configured_storage(memory_storage, approved, applicant, client):
    issue_license.delay(approved.pk)
    license = License.objects.get(application=approved)
    assert license.is_issued and memory_storage.exists(license.file.name)
    stored = memory_storage.open(license.file.name).read()
    assert hashlib.sha256(stored).hexdigest() == license.sha256

    client.force_login(applicant)
    response = client.get(reverse("wallet_license_pdf", args=[license.number]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored


def test_an_uploaded_material_round_trips_through_the_configured_storage(memory_storage, item, applicant, client):
    from approvals import services as workflow
    from tests.licenses.conftest import pdf_upload

    application = workflow.application_start(actor=applicant, item_code=item.code)
    material = application.item_version.materials.get()
    attachment = workflow.attachment_add(application=application, actor=applicant, material=material, upload=pdf_upload())
    assert memory_storage.exists(attachment.file.name)

    client.force_login(applicant)
    response = client.get(reverse("application_file", args=[application.uid, attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def _storage_in_a_fresh_process(**env):
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import default_storage as s; s._setup();"
        "w = s._wrapped; print(type(w).__module__ + '.' + type(w).__name__, getattr(w, 'bucket_name', ''),"
        " getattr(w, 'endpoint_url', ''))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_s3_compatible_storage_is_one_setting_away():
    options = {"bucket_name": "onegate-private", "endpoint_url": "https://minio.example:9000", "default_acl": "private"}
    result = _storage_in_a_fresh_process(
        STORAGE_BACKEND="storages.backends.s3.S3Storage", STORAGE_OPTIONS=json.dumps(options)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "onegate-private", "https://minio.example:9000"]


def test_bad_storage_options_are_a_clear_start_up_error():
    result = _storage_in_a_fresh_process(STORAGE_OPTIONS="{bucket: nope")
    assert result.returncode != 0 and "STORAGE_OPTIONS is not valid JSON" in result.stderr


def test_s3_storage_without_a_bucket_is_a_clear_start_up_error():
    result = _storage_in_a_fresh_process(STORAGE_BACKEND="storages.backends.s3.S3Storage")
    assert result.returncode != 0 and "S3 storage needs its bucket" in result.stderr


def test_options_for_the_default_storage_keep_its_private_folder():
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.STORAGES['default']['OPTIONS'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "STORAGE_OPTIONS": '{"file_permissions_mode": 384}'},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "'location':" in result.stdout and "private" in result.stdout and "'file_permissions_mode': 384" in result.stdout
