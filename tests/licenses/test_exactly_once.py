"""One license and one seal-usage entry per approved application, whatever happens:
the task run twice, run concurrently (PostgreSQL, threads), a crash between
sealing and storing, and a worker killed while it held the claim."""

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


def _assert_issued_exactly_once(application):
    license = License.objects.get(application=application)
    assert license.status == License.Status.VALID and license.revision == 1
    assert LicenseDocument.objects.filter(license=license).count() == 1
    usages = SealUsage.objects.filter(related_type="licenses.license", related_id=str(license.pk))
    assert usages.count() == 1
    assert usages.get().document_sha256 == license.sha256 == license.documents.get().sha256
    assert license.documents.get().seal_usage == usages.get()
    assert seal_selectors.audit_usage_log().ok  # the hash chain has no hole where a rolled-back entry was
    return license


def test_running_the_task_twice_issues_once(approved):
    first = issue_license.delay(approved.pk).get()
    second = issue_license.delay(approved.pk).get()

    assert first == second
    _assert_issued_exactly_once(approved)


def test_a_crash_right_after_sealing_rolls_the_seal_log_entry_back(approved):
    """The worst moment: the document is sealed and the seal use logged, then the worker fails."""
    from seals import services as seal_services

    real_seal_pdf = seal_services.seal_pdf
    calls = []

    def seal_then_crash(*args, **kwargs):
        signed = real_seal_pdf(*args, **kwargs)
        calls.append(signed)
        if len(calls) == 1:
            assert SealUsage.objects.count() == 1  # logged inside the issuing transaction …
            raise OSError("worker lost between sealing and storing")
        return signed

    with mock.patch.object(seal_services, "seal_pdf", side_effect=seal_then_crash):
        with pytest.raises(Retry):  # the task asks to be retried later …
            issue_license.delay(approved.pk)
        issue_license.delay(approved.pk)  # … and the retry comes

    assert len(calls) == 2
    license = _assert_issued_exactly_once(approved)  # … and rolled back with it
    assert license.attempts == 2 and license.last_error == ""


def test_a_failure_after_storing_removes_the_file_and_the_log_entry(approved):
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

    license = _assert_issued_exactly_once(approved)
    assert len(stored) == 2 and not default_storage.exists(stored[0])  # the failed attempt's file is gone
    assert default_storage.exists(license.file.name) and license.file.name == stored[1]


def test_a_failed_attempt_is_kept_for_staff_until_the_retry_succeeds(approved):
    license = services.license_open(application_id=approved.pk)
    with mock.patch.object(services, "_store", side_effect=OSError("storage unreachable")):
        with pytest.raises(OSError):
            services.license_produce(license_id=license.pk)

    license.refresh_from_db()
    assert license.status == License.Status.PENDING and "storage unreachable" in license.last_error
    assert license.claim_token == "" and not SealUsage.objects.exists()

    services.license_produce(license_id=license.pk)
    _assert_issued_exactly_once(approved)


def test_a_killed_worker_s_claim_is_taken_over_when_its_lease_runs_out(approved):
    license = services.license_open(application_id=approved.pk)
    dead_token = services._claim(license.pk, at=NOW)  # a worker claimed it, then was killed

    assert issue_license.delay(approved.pk).get() == license.number  # the retry finds it claimed …
    license.refresh_from_db()
    assert license.status == License.Status.PENDING and license.claim_token == dead_token

    later = NOW + services.claim_lease() + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        issue_license.delay(approved.pk)  # … and takes it over once the lease has run out
    _assert_issued_exactly_once(approved)

    # The killed worker, had it come back, would find its claim gone and write nothing.
    from licenses import documents

    rendered = documents.render(License.objects.with_relations().get(pk=license.pk), revision=1)
    with pytest.raises(services.ClaimLost):
        services._seal_and_store(license_id=license.pk, token=dead_token, rendered=rendered, revision=1, at=later)
    _assert_issued_exactly_once(approved)


def test_the_sweeper_finds_work_nobody_is_doing(item, applicant, approver, seal):
    from licenses.selectors import stalled_work

    forgotten = approve(item.code, applicant, approver)  # its task was never queued
    crashed = approve(item.code, applicant, approver)
    license = services.license_open(application_id=crashed.pk)
    services._claim(license.pk, at=NOW)

    assert stalled_work(at=NOW) == ([], [])  # too recent: a worker may still be on it
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
            results.append(issue_license.apply(args=[application.pk]).get())
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    license = _assert_issued_exactly_once(application)
    assert results == [license.number] * workers


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
