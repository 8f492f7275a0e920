"""The access log's hash chain: intact as written, broken by any change to any row."""

from datetime import timedelta

import pytest

from api.access.models import AccessLogEntry, AccessLogHead, AccessPurpose
from api.access.selectors import audit_access_log
from portal.hashchain import AuditResult
from tests.api.access.conftest import make_client
from tests.conftest import is_postgres
from tests.factories import DepartmentFactory, PersonFactory


@pytest.fixture
def five_entries(read, applicant, enterprise_member):
    subjects = [applicant.person.resident_id, enterprise_member.enterprise.credit_code] * 3
    return [read(subject, reference=f"MKT-2026-{n:04d}") for n, subject in enumerate(subjects[:5], start=1)]


def test_an_untouched_log_verifies(five_entries):
    assert audit_access_log() == AuditResult(True, 5)


def test_an_empty_log_verifies(db):
    assert audit_access_log().ok


def _tampered_values(entry, other_purpose, other_department, other_client, stranger):
    return {
        "client": other_client,
        "department": other_department,
        "endpoint": "/api/v1/elsewhere",
        "subject_hash": "f" * 64,
        "subject_masked": "999***********9999",
        "person": stranger,
        "enterprise": None if entry.enterprise_id else stranger_enterprise(),
        "purpose": other_purpose,
        "reference": entry.reference + "-edited",
        "result": "not_found" if entry.result != "not_found" else "found",
        "accessed_at": entry.accessed_at - timedelta(days=3),
        "prev_hash": "0" * 63 + "1",
        "entry_hash": "e" * 64,
    }


def stranger_enterprise():
    from tests.factories import EnterpriseFactory

    return EnterpriseFactory()


FIELDS = [
    "client", "department", "endpoint", "subject_hash", "subject_masked", "person", "enterprise", "purpose",
    "reference", "result", "accessed_at", "prev_hash", "entry_hash",
]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("index", range(5))
def test_changing_any_field_of_any_row_breaks_the_chain(five_entries, field, index):
    entry = five_entries[index]
    other_department = DepartmentFactory()
    value = _tampered_values(
        entry, AccessPurpose.objects.exclude(pk=entry.purpose_id).first(), other_department,
        make_client(other_department, "冒名系统"), PersonFactory(),
    )[field]

    AccessLogEntry.objects.filter(pk=entry.pk).update(**{field: value})

    result = audit_access_log()
    assert not result.ok
    assert result.broken_seq == entry.seq


@pytest.mark.parametrize("index", range(5))
def test_deleting_any_row_breaks_the_chain(five_entries, index):
    AccessLogEntry.objects.filter(pk=five_entries[index].pk).delete()

    result = audit_access_log()
    assert not result.ok and result.broken_seq == index + 1


def test_cutting_the_newest_entry_off_is_caught_by_the_head(five_entries):
    """What remains is a consistent chain, but shorter than the head row says."""
    AccessLogEntry.objects.filter(pk=five_entries[-1].pk).delete()

    result = audit_access_log()
    assert not result.ok and "head records entry 5" in result.problem


def test_the_chain_alone_cannot_tell_a_cut_that_also_rewrites_the_head(five_entries):
    """The limit of a chain kept in the database it protects: whoever can write both the newest
    entries and the head row can cut the end off unseen. The seal-usage log closes that gap with
    timestamped daily anchors; the access log does not have them yet."""
    AccessLogEntry.objects.filter(seq__gte=4).delete()
    AccessLogHead.objects.update(seq=3, last_hash=five_entries[2].entry_hash)

    assert audit_access_log().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reads_keep_one_chain(machine_client, applicant):
    if not is_postgres():
        pytest.skip("needs PostgreSQL's row locks")
    import threading

    from django.db import connections

    from api.access.services import access_record

    errors = []

    def append(n):
        try:
            for i in range(5):
                access_record(
                    client=machine_client, endpoint="/api/v1/licenses/by-holder",
                    subject_id=applicant.person.resident_id, purpose_code="license-verification",
                    reference=f"MKT-{n}-{i}", result="found",
                )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 31))
    assert audit_access_log() == AuditResult(True, 30)
