"""Approval to licence: the task opens the licence, renders, seals, stores and tells the holder."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from licences import numbers, services
from licences.models import Licence, LicenceEvent
from licences.tasks import issue_licence
from portal.models import Message
from seals.models import SealUsage
from seals.verification import verify_pdf
from tests.licences.conftest import approve


def test_it_issues_a_sealed_licence_when_the_application_is_approved(approved, applicant):
    number = issue_licence.delay(approved.pk).get()

    licence = Licence.objects.get(application=approved)
    assert licence.number == number and numbers.is_well_formed(number)
    assert number.startswith("YYZZ-2026-000001-")
    assert licence.status == Licence.Status.VALID and licence.revision == 1
    assert licence.holder_name == "王小明" and "*" in licence.holder_id_masked
    content = default_storage.open(licence.file.name).read()
    assert hashlib.sha256(content).hexdigest() == licence.sha256 == licence.documents.get().sha256
    report = verify_pdf(content)
    assert report.ok and report.signature.usage.related_id == str(licence.pk)
    assert SealUsage.objects.filter(related_type="licences.licence", related_id=str(licence.pk)).count() == 1
    assert licence.events.get().action == LicenceEvent.Action.ISSUED
    message = Message.objects.get(recipient=applicant, link=f"/me/licences/{number}/")
    assert number in message.body


def test_approval_enqueues_the_task_after_the_commit(item, applicant, approver, seal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = approve(item.code, applicant, approver, issue=True)

    assert Licence.objects.get(application=application).status == Licence.Status.VALID


def test_an_item_without_a_licence_type_issues_nothing(department, applicant, approver, seal):
    from services.services import MaterialInput
    from tests.services.factories import make_item, publish

    make_item(department, code="MKT-102", audience="person", materials=[MaterialInput(name_zh="证明", name_en="Proof")])
    publish()
    application = approve("MKT-102", applicant, approver, data={})

    assert issue_licence.delay(application.pk).get() is None
    assert not Licence.objects.exists()


def test_it_keeps_the_licence_pending_and_the_error_when_the_department_has_no_seal(item, applicant, approver, root):
    application = approve(item.code, applicant, approver)
    licence = services.licence_open(application_id=application.pk)

    with pytest.raises(ValidationError, match="no electronic licence seal"):
        services.licence_produce(licence_id=licence.pk)

    licence.refresh_from_db()
    assert licence.status == Licence.Status.PENDING and licence.attempts == 1
    assert "no electronic licence seal" in licence.last_error and licence.claim_token == ""
    assert not SealUsage.objects.exists()


def test_validity_counts_months_from_the_approval_day(item, business_licence, applicant, approver, seal):
    business_licence.validity_months = 12
    business_licence.save()
    application = approve(item.code, applicant, approver)
    issue_licence.delay(application.pk)

    licence = Licence.objects.get()
    assert licence.valid_from.isoformat() == "2026-11-26"
    assert licence.valid_until.isoformat() == "2027-11-25"


def test_numbers_run_per_type_and_year(item, applicant, approver, seal):
    first = approve(item.code, applicant, approver)
    second = approve(item.code, applicant, approver)
    issue_licence.delay(first.pk)
    issue_licence.delay(second.pk)

    assert [n.rsplit("-", 1)[0] for n in Licence.objects.order_by("pk").values_list("number", flat=True)] == [
        "YYZZ-2026-000001",
        "YYZZ-2026-000002",
    ]
