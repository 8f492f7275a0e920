"""Bulk re-issue after a template fix: same numbers, new sealed documents, progress for the approver."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from licenses import services
from licenses.models import License
from licenses.selectors import license_for_pdf, reissue_progress
from licenses.tasks import issue_license, run_reissue_job
from seals.models import SealUsage
from tests.licenses.conftest import approve
from tests.mfa import sign_in


@pytest.fixture
def licenses(item, applicant, approver, seal):
    for _ in range(3):
        issue_license.delay(approve(item.code, applicant, approver).pk)
    return list(License.objects.order_by("pk"))


def test_it_reissues_every_live_license_of_the_type_once(licenses, approver, business_license, department):
    services.license_revoke(license=licenses[2], actor=approver, reason="吊销")
    old = {license.pk: default_storage.open(license.file.name).read() for license in licenses}

    job = services.reissue_start(actor=approver, license_type=business_license, department=department, reason="模板更正")
    assert job.total == 2
    assert reissue_progress(approver, job.pk).done == 0
    assert run_reissue_job.delay(job.pk).get() == 2
    assert run_reissue_job.delay(job.pk).get() == 0  # nothing left: a second run does nothing

    progress = reissue_progress(approver, job.pk)
    assert progress.finished and progress.done == 2 and progress.percent == 100
    for license in licenses[:2]:
        license.refresh_from_db()
        assert license.revision == 2 and license.documents.count() == 2
        assert SealUsage.objects.filter(related_type="licenses.license", related_id=str(license.pk)).count() == 2
        assert license.events.latest("id").action == "reissued"
        assert license_for_pdf(old[license.pk]) == license  # the earlier copy is still recognised
    licenses[2].refresh_from_db()
    assert licenses[2].revision == 1  # revoked: left alone


def test_the_earlier_copy_is_reported_as_superseded(client, licenses, approver, business_license, department):
    old = default_storage.open(licenses[0].file.name).read()
    job = services.reissue_start(actor=approver, license_type=business_license, department=department, reason="模板更正")
    run_reissue_job.delay(job.pk)

    from django.core.files.uploadedfile import SimpleUploadedFile

    body = client.post(reverse("verify"), {"document": SimpleUploadedFile("l.pdf", old)}).content.decode()
    assert "Genuine document." in body and "re-issued" in body


def test_the_approver_follows_the_progress(client, licenses, approver, business_license, department):
    sign_in(client, approver)
    response = client.post(
        reverse("staff_reissue"),
        {"license_type": business_license.pk, "department": department.pk, "reason": "模板更正"},
    )
    job_url = response["Location"]
    page = client.get(job_url).content.decode()  # nothing ran yet: the page refreshes itself
    assert "0 of 3" in page and 'http-equiv="refresh"' in page and "hx-get" in page
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[1])
    run_reissue_job.delay(job_id)
    fragment = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert "3 of 3" in fragment and "<html" not in fragment and "hx-get" not in fragment


def test_only_the_department_s_staff_may_reissue(licenses, other_approver, business_license, department):
    with pytest.raises(PermissionDenied):
        services.reissue_start(actor=other_approver, license_type=business_license, department=department, reason="x")


def test_a_reason_is_required_and_an_empty_job_is_refused(licenses, approver, business_license, other_department):
    with pytest.raises(ValidationError):
        services.reissue_start(actor=approver, license_type=business_license, department=licenses[0].department, reason=" ")
    from portal.models import StaffRole
    from tests.factories import staff

    housing = staff(StaffRole.Role.APPROVER, other_department)
    with pytest.raises(ValidationError, match="no valid or suspended license"):
        services.reissue_start(actor=housing, license_type=business_license, department=other_department, reason="x")


def test_another_department_cannot_see_the_job(client, licenses, approver, other_approver, business_license, department):
    job = services.reissue_start(actor=approver, license_type=business_license, department=department, reason="模板更正")
    sign_in(client, other_approver)
    assert client.get(reverse("staff_reissue_job", args=[job.pk])).status_code == 404


def test_a_license_revoked_during_the_reissue_counts_as_done(licenses, approver, business_license, department):
    job = services.reissue_start(actor=approver, license_type=business_license, department=department, reason="模板更正")
    services.license_revoke(license=licenses[0], actor=approver, reason="吊销")
    run_reissue_job.delay(job.pk)

    progress = reissue_progress(approver, job.pk)
    assert progress.finished and progress.done == 3
    licenses[0].refresh_from_db()
    assert licenses[0].revision == 1  # not re-issued
