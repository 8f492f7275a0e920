"""A seal revoked because its key was compromised: every license it sealed is re-issued
under the department's new seal, and the holders are told. Other reasons change nothing."""

import pytest
from django.core.files.storage import default_storage

from licenses.models import License, ReissueJob
from licenses.tasks import issue_license
from portal.models import Message
from seals import services as seal_services
from seals.verification import verify_pdf
from tests.licenses.conftest import approve


@pytest.fixture(autouse=True)
def _hook_registered():
    """The handler as LicensesConfig.ready() registers it (a test elsewhere may empty seals' registry)."""
    from licenses import services

    seal_services.on_seal_revoked(services.on_seal_revoked)


@pytest.fixture
def issued(item, applicant, approver, seal):
    for _ in range(2):
        issue_license.delay(approve(item.code, applicant, approver).pk)
    return list(License.objects.order_by("pk"))


def _revoke(seal, reason, capture):
    with capture(execute=True):  # the hook runs after the revocation's commit
        seal_services.seal_revoke(seal=seal, reason=reason, note="私钥存放的服务器被入侵")


def test_a_key_compromise_reissues_every_license_the_seal_sealed_under_the_new_seal(
    issued, seal, department, applicant, django_capture_on_commit_callbacks
):
    new_seal = seal_services.seal_rotate(seal=seal)  # the department's seal in use from now on
    told = Message.objects.filter(recipient=applicant).count()

    _revoke(seal, "key_compromise", django_capture_on_commit_callbacks)

    job = ReissueJob.objects.get()
    assert job.total == 2 and job.department == department and job.requested_by is None
    for license in issued:
        license.refresh_from_db()
        assert license.revision == 2 and license.reissue_job == job
        document = license.documents.get(revision=2)
        assert document.seal_usage.seal == new_seal
        report = verify_pdf(default_storage.open(license.file.name).read())
        assert report.ok and report.signature.seal == new_seal
    news = Message.objects.filter(recipient=applicant).order_by("-id")[:2]
    assert Message.objects.filter(recipient=applicant).count() == told + 2
    assert all(m.subject.startswith("您的营业执照") and "重新加盖" in m.subject for m in news)  # in their language


def test_running_it_again_queues_and_tells_nobody_twice(issued, seal, applicant, django_capture_on_commit_callbacks):
    from licenses.services import licenses_reseal

    seal_services.seal_rotate(seal=seal)
    _revoke(seal, "key_compromise", django_capture_on_commit_callbacks)
    told = Message.objects.filter(recipient=applicant).count()

    assert licenses_reseal(seal=seal) == []
    assert ReissueJob.objects.count() == 1 and Message.objects.filter(recipient=applicant).count() == told


@pytest.mark.parametrize("reason", ["superseded", "affiliation_changed", "cessation_of_operation"])
def test_other_reasons_leave_the_licenses_alone(issued, seal, reason, django_capture_on_commit_callbacks):
    _revoke(seal, reason, django_capture_on_commit_callbacks)

    assert not ReissueJob.objects.exists()
    assert [license.revision for license in License.objects.all()] == [1, 1]
