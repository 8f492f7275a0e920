"""access_record: the one way a read of someone's data enters the log, and what it refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from api.access.models import AccessLogEntry, AccessLogHead, AccessPurpose
from tests.conftest import NOW
from tests.factories import make_credit_code, make_resident_id


def refusal(read, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read(kwargs.pop("subject_id"), **kwargs)
    return caught.value


def test_it_records_a_read_of_a_person(read, applicant, machine_client, department):
    entry = read(applicant.person.resident_id, reference=" MKT-2026-0042 ", result="found", at=NOW)

    assert entry.seq == 1 and entry.prev_hash == "0" * 64
    assert entry.client == machine_client and entry.department == department
    assert entry.person == applicant.person and entry.enterprise is None
    assert entry.purpose.code == "license-verification"
    assert entry.reference == "MKT-2026-0042"
    assert entry.result == AccessLogEntry.Result.FOUND and entry.accessed_at == NOW
    assert entry.endpoint == "/api/v1/licenses/by-holder"
    head = AccessLogHead.objects.get()
    assert (head.seq, head.last_hash) == (1, entry.entry_hash)


def test_it_records_a_read_of_an_enterprise(read, enterprise_member):
    entry = read(enterprise_member.enterprise.credit_code.lower())

    assert entry.enterprise == enterprise_member.enterprise and entry.person is None


def test_it_records_a_read_of_somebody_unknown_here(read):
    entry = read(make_resident_id(birth="19700101"), result="not_found")

    assert entry.person is None and entry.enterprise is None and entry.result == "not_found"


@pytest.mark.parametrize("code", ["", "marketing", "LICENCE-VERIFICATION "])
def test_it_refuses_an_unknown_purpose(read, applicant, code):
    error = refusal(read, subject_id=applicant.person.resident_id, purpose_code=code)

    assert [e.code for e in error.error_dict["purpose_code"]] == ["unknown_purpose"]
    assert not AccessLogEntry.objects.exists() and not AccessLogHead.objects.exists()


def test_it_refuses_a_retired_purpose(read, applicant):
    AccessPurpose.objects.filter(code="license-verification").update(active=False)

    error = refusal(read, subject_id=applicant.person.resident_id)

    assert [e.code for e in error.error_dict["purpose_code"]] == ["unknown_purpose"]
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("reference", ["", "   ", None])
def test_it_refuses_a_read_without_a_case_number(read, applicant, reference):
    error = refusal(read, subject_id=applicant.person.resident_id, reference=reference)

    assert [e.code for e in error.error_dict["reference"]] == ["missing_reference"]
    assert not AccessLogEntry.objects.exists()


def test_it_refuses_a_case_number_too_long(read, applicant):
    error = refusal(read, subject_id=applicant.person.resident_id, reference="X" * 65)

    assert [e.code for e in error.error_dict["reference"]] == ["long_reference"]
    assert read(applicant.person.resident_id, reference="X" * 64).reference == "X" * 64


def test_it_says_what_is_wrong_in_the_callers_language(read, applicant):
    with translation.override("en"):
        error = refusal(read, subject_id=applicant.person.resident_id, purpose_code="marketing")
        message = error.message_dict["purpose_code"][0]

    assert "marketing" in message and "active purpose" in message


def _wrong_check_character(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


@pytest.mark.parametrize(
    "subject_id",
    ["", "12345", "91211400ABCDEFGHIO", "wrong resident ID check character", "wrong credit code check character"],
)
def test_it_refuses_a_subject_that_is_no_identifier(read, subject_id):
    if subject_id.startswith("wrong resident"):
        subject_id = _wrong_check_character(make_resident_id())
    elif subject_id.startswith("wrong credit"):
        subject_id = _wrong_check_character(make_credit_code())
    error = refusal(read, subject_id=subject_id)

    assert [e.code for e in error.error_dict["subject_id"]] == ["invalid_subject"]
    assert not AccessLogEntry.objects.exists()


def test_it_refuses_an_unknown_result(read):
    error = refusal(read, subject_id=make_credit_code(), result="maybe")

    assert "result" in error.error_dict
    assert not AccessLogEntry.objects.exists()


def test_it_chains_each_entry_to_the_one_before(read, applicant, enterprise_member):
    first = read(applicant.person.resident_id)
    second = read(enterprise_member.enterprise.credit_code)
    third = read(applicant.person.resident_id, result="refused")

    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    assert AccessLogHead.objects.get().last_hash == third.entry_hash
