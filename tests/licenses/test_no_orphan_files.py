"""No sealed PDF is left in storage without a document row pointing at it: a failure after
the upload deletes the file (tests/licenses/test_exactly_once.py), and the file of a worker
killed between the upload and the commit is deleted by whoever takes the work over."""

import datetime

import time_machine
from django.core.files.storage import default_storage

from licenses import services
from licenses.models import License
from licenses.tasks import issue_license, resume_license_work
from tests.licenses.conftest import NOW

SIGNED = b"%PDF-1.7\n% sealed by a worker that died before recording it\n%%EOF\n"


def _die_after_the_upload(license: License) -> str:
    """What a worker killed right after its upload leaves behind: its claim, and the file."""
    token = services._claim(license.pk, at=NOW)
    name = services._upload(license, token=token, revision=1, signed=SIGNED, sha256="d" * 64)
    assert default_storage.exists(name)
    return name


def _files_of(license: License) -> list[str]:
    return [f"licenses/{license.number}/{f}" for f in default_storage.listdir(f"licenses/{license.number}")[1]]


def test_the_worker_that_takes_over_deletes_the_dead_worker_s_upload(approved):
    license = services.license_open(application_id=approved.pk)
    orphan = _die_after_the_upload(license)
    assert License.objects.get(pk=license.pk).pending_file == orphan

    with time_machine.travel(NOW + services.claim_lease() + datetime.timedelta(seconds=1), tick=False):
        issue_license.delay(approved.pk)

    license.refresh_from_db()
    assert license.status == License.Status.VALID and license.pending_file == ""
    assert not default_storage.exists(orphan)
    assert _files_of(license) == [license.file.name]


def test_the_sweep_takes_the_work_over_and_deletes_the_upload(approved):
    license = services.license_open(application_id=approved.pk)
    orphan = _die_after_the_upload(license)

    with time_machine.travel(NOW + services.claim_lease() + datetime.timedelta(seconds=1), tick=False):
        resume_license_work.delay()

    license.refresh_from_db()
    assert license.is_issued and not default_storage.exists(orphan)
    assert _files_of(license) == [license.file.name]


def test_the_sweep_deletes_an_upload_nobody_will_take_over(approved):
    license = services.license_open(application_id=approved.pk)
    orphan = _die_after_the_upload(license)
    License.objects.filter(pk=license.pk).update(wanted_revision=0)  # nothing left to produce

    assert services.licenses_remove_abandoned_uploads(at=NOW) == 0  # the claim is still live
    assert default_storage.exists(orphan)
    later = NOW + services.claim_lease() + datetime.timedelta(seconds=1)
    assert services.licenses_remove_abandoned_uploads(at=later) == 1
    assert not default_storage.exists(orphan)
    assert License.objects.get(pk=license.pk).pending_file == ""
