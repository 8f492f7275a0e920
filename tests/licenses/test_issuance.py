"""Approval to license: the task opens the license, renders, seals, stores and tells the holder."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from licenses import numbers, services
from licenses.models import License, LicenseEvent
from licenses.tasks import issue_license
from portal.models import Message
from seals.models import SealUsage
from seals.verification import verify_pdf
from tests.licenses.conftest import approve


def test_it_issues_a_sealed_license_when_the_application_is_approved(approved, applicant):
    number = issue_license.delay(approved.pk).get()

    license = License.objects.get(application=approved)
    assert license.number == number and numbers.is_well_formed(number)
    assert number.startswith("YYZZ-2026-000001-")
    assert license.status == License.Status.VALID and license.revision == 1
    assert license.holder_name == "王小明" and "*" in license.holder_id_masked
    content = default_storage.open(license.file.name).read()
    assert hashlib.sha256(content).hexdigest() == license.sha256 == license.documents.get().sha256
    report = verify_pdf(content)
    assert report.ok and report.signature.usage.related_id == str(license.pk)
    assert SealUsage.objects.filter(related_type="licenses.license", related_id=str(license.pk)).count() == 1
    assert license.events.get().action == LicenseEvent.Action.ISSUED
    message = Message.objects.get(recipient=applicant, link=f"/me/licenses/{number}/")
    assert number in message.body


def test_approval_enqueues_the_task_after_the_commit(item, applicant, approver, seal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = approve(item.code, applicant, approver, issue=True)

    assert License.objects.get(application=application).status == License.Status.VALID


def test_an_item_without_a_license_type_issues_nothing(department, applicant, approver, seal):
    from services.services import MaterialInput
    from tests.services.factories import make_item, publish

    make_item(department, code="MKT-102", audience="person", materials=[MaterialInput(name_zh="证明", name_en="Proof")])
    publish()
    application = approve("MKT-102", applicant, approver, data={})

    assert issue_license.delay(application.pk).get() is None
    assert not License.objects.exists()


def test_it_keeps_the_license_pending_and_the_error_when_the_department_has_no_seal(item, applicant, approver, root):
    application = approve(item.code, applicant, approver)
    license = services.license_open(application_id=application.pk)

    with pytest.raises(ValidationError, match="no electronic license seal"):
        services.license_produce(license_id=license.pk)

    license.refresh_from_db()
    assert license.status == License.Status.PENDING and license.attempts == 1
    assert "no electronic license seal" in license.last_error and license.claim_token == ""
    assert not SealUsage.objects.exists()


def test_validity_counts_months_from_the_approval_day(item, business_license, applicant, approver, seal):
    business_license.validity_months = 12
    business_license.save()
    application = approve(item.code, applicant, approver)
    issue_license.delay(application.pk)

    license = License.objects.get()
    assert license.valid_from.isoformat() == "2026-11-26"
    assert license.valid_until.isoformat() == "2027-11-25"


def test_numbers_run_per_type_and_year(item, applicant, approver, seal):
    first = approve(item.code, applicant, approver)
    second = approve(item.code, applicant, approver)
    issue_license.delay(first.pk)
    issue_license.delay(second.pk)

    assert [n.rsplit("-", 1)[0] for n in License.objects.order_by("pk").values_list("number", flat=True)] == [
        "YYZZ-2026-000001",
        "YYZZ-2026-000002",
    ]
