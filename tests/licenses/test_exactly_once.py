"""One license and one stored document per approved application, whatever happens:
the task run twice, run concurrently (PostgreSQL, threads), a crash between
sealing and storing, and a worker killed while it held the claim. The seal-usage
log records every signature made, including one whose document was never stored."""

import datetime
import threading
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.db import connection

from licenses import services
from licenses.models import License, LicenseDocument
from licenses.tasks import issue_license
from seals import selectors as seal_selectors
from seals.models import SealUsage
from tests.conftest import is_postgres
from tests.licenses.conftest import NOW, approve


def _assert_issued_exactly_once(application, *, signatures=1):
    license = License.objects.get(application=application)
    assert license.status == License.Status.VALID and license.revision == 1 and license.pending_file == ""
    assert LicenseDocument.objects.filter(license=license).count() == 1
    assert license.sha256 == license.documents.get().sha256
    usages = SealUsage.objects.filter(related_type="licenses.license", related_id=str(license.pk))
    assert usages.count() == signatures  # every signature made is logged, stored or not
    assert license.documents.get().seal_usage == usages.order_by("seq").last()  # the stored one is the last
    assert seal_selectors.audit_usage_log().ok
    return license


def test_running_the_task_twice_issues_once(approved):
    first = issue_license.delay(approved.pk).get()
    second = issue_license.delay(approved.pk).get()

    assert first == second
    _assert_issued_exactly_once(approved)


def test_a_crash_right_after_sealing_keeps_the_signature_logged_and_stores_one_document(approved):
    """The document is sealed and the seal use logged (and committed), then the worker fails."""
    from seals import services as seal_services

    real_seal_pdf = seal_services.seal_pdf
    calls = []

    def seal_then_crash(*args, **kwargs):
        signed = real_seal_pdf(*args, **kwargs)
        calls.append(signed)
        if len(calls) == 1:
            assert SealUsage.objects.count() == 1  # logged at once, in seal_pdf's own transaction …
            raise OSError("worker lost between sealing and storing")
        return signed

    with mock.patch.object(seal_services, "seal_pdf", side_effect=seal_then_crash):
        with pytest.raises(Retry):  # the task asks to be retried later …
            issue_license.delay(approved.pk)
        issue_license.delay(approved.pk)  # … and the retry comes

    assert len(calls) == 2
    license = _assert_issued_exactly_once(approved, signatures=2)  # … and kept: a signature was made
    assert license.attempts == 2 and license.last_error == ""


def test_a_failure_after_the_upload_inside_the_recording_transaction_leaves_no_file(approved):
    from django.core.files.storage import default_storage

    real_store, real_create = services._store, LicenseDocument.objects.create
    stored = []

    def store(*args, **kwargs):
        stored.append(real_store(*args, **kwargs))
        return stored[-1]

    def create_then_fail(**kwargs):
        if len(stored) == 1:
            raise OSError("database connection lost")
        return real_create(**kwargs)

    with mock.patch.object(services, "_store", side_effect=store), mock.patch.object(
        LicenseDocument.objects, "create", side_effect=create_then_fail
    ):
        with pytest.raises(Retry):
            issue_license.delay(approved.pk)
        issue_license.delay(approved.pk)

    license = _assert_issued_exactly_once(approved, signatures=2)
    assert len(stored) == 2 and not default_storage.exists(stored[0])  # the failed attempt's file is gone
    assert default_storage.exists(license.file.name) and license.file.name == stored[1]


def test_a_failed_attempt_is_kept_for_staff_until_the_retry_succeeds(approved):
    license = services.license_open(application_id=approved.pk)
    with mock.patch.object(services, "_store", side_effect=OSError("storage unreachable")):
        with pytest.raises(OSError):
            services.license_produce(license_id=license.pk)

    license.refresh_from_db()
    assert license.status == License.Status.PENDING and "storage unreachable" in license.last_error
    assert license.claim_token == "" and SealUsage.objects.count() == 1

    services.license_produce(license_id=license.pk)
    _assert_issued_exactly_once(approved, signatures=2)


def test_a_killed_worker_s_claim_is_taken_over_when_its_lease_runs_out(approved):
    license = services.license_open(application_id=approved.pk)
    dead_token = services._claim(license.pk, at=NOW)  # a worker claimed it, then was killed

    with pytest.raises(Retry) as retry:  # the redelivered task finds it claimed …
        issue_license.delay(approved.pk)
    lease = services.claim_lease().total_seconds()
    assert lease <= retry.value.when <= lease + 2  # … and comes back when the lease ends
    license.refresh_from_db()
    assert license.status == License.Status.PENDING and license.claim_token == dead_token

    later = NOW + datetime.timedelta(seconds=retry.value.when)
    with time_machine.travel(later, tick=False):
        issue_license.delay(approved.pk)  # … and takes it over then
    _assert_issued_exactly_once(approved)

    # The killed worker, had it come back, would find its claim gone and sign nothing.
    from licenses import documents

    rendered = documents.render(License.objects.with_relations().get(pk=license.pk), revision=1)
    with pytest.raises(services.ClaimLost):
        services._seal(license, token=dead_token, rendered=rendered, revision=1, at=later)
    _assert_issued_exactly_once(approved)


def test_the_sweeper_finds_work_nobody_is_doing(item, applicant, approver, seal):
    from licenses.selectors import stalled_work

    forgotten = approve(item.code, applicant, approver)  # its task was never queued
    crashed = approve(item.code, applicant, approver)
    license = services.license_open(application_id=crashed.pk)
    services._claim(license.pk, at=NOW)

    assert stalled_work(at=NOW) == ([], [])  # too recent: a worker may still be on it
    lease_over = NOW + services.claim_lease() + datetime.timedelta(seconds=1)
    # Its worker died: taken over as soon as the lease has ended; the lost task's approval too.
    assert stalled_work(at=lease_over) == ([license.pk], [forgotten.pk])
    later = NOW + datetime.timedelta(minutes=20)
    assert stalled_work(at=later) == ([license.pk], [forgotten.pk])

    from licenses.tasks import resume_license_work

    with time_machine.travel(later, tick=False):
        assert resume_license_work.delay().get() == 2
    _assert_issued_exactly_once(forgotten)
    _assert_issued_exactly_once(crashed)
    assert stalled_work(at=later) == ([], [])


@pytest.mark.django_db(transaction=True)
def test_concurrent_tasks_issue_once(item, applicant, approver, seal):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    application = approve(item.code, applicant, approver)
    workers = 4
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            # The threads stand in for worker processes, but Celery's "no waiting inside a
            # task" flag is one global that their eager runs set and reset under each other.
            results.append(issue_license.apply(args=[application.pk]).get(disable_sync_subtasks=False))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # The workers that found the work claimed come back when the claim's lease would end …
    assert all(isinstance(e, Retry) for e in errors), errors
    assert len(results) + len(errors) == workers and results
    license = _assert_issued_exactly_once(application)
    assert results == [license.number] * len(results)
    for _ in errors:  # … and find nothing left to do
        assert issue_license.apply(args=[application.pk]).get() == license.number
    _assert_issued_exactly_once(application)


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_on_one_license_let_one_worker_render(item, applicant, approver, seal):
    if not is_postgres():
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    application = approve(item.code, applicant, approver)
    license = services.license_open(application_id=application.pk)
    workers = 6
    barrier = threading.Barrier(workers)
    tokens = []

    def claim():
        try:
            barrier.wait(timeout=30)
            tokens.append(services._claim(license.pk, at=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len([t for t in tokens if t]) == 1
    assert License.objects.get(pk=license.pk).claim_token in tokens
