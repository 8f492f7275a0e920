"""Licenses through faults: Redis down, the broker down at approval, a dead worker, a failure after the store."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from approvals.workflow import State
from licenses import services
from licenses.models import License
from licenses.selectors import stalled_work
from licenses.tasks import issue_license, resume_license_work
from tests.licenses.conftest import NOW, approve

UNREACHABLE_REDIS = {
    "default": {"BACKEND": "portal.cache.SharedCache", "LOCATION": "redis://127.0.0.1:1/0"},
    "counters": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
}


def test_verification_answers_with_the_cache_unreachable(client, approved):
    issue_license.delay(approved.pk)
    license = License.objects.get(application=approved)
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = client.get(reverse("license_verify", args=[license.number]))
        lookup = client.get(reverse("license_verify_lookup") + f"?number={license.number}")
    assert response.status_code == 200 and license.number in response.content.decode()
    assert lookup.status_code in (200, 302)


def test_tracking_refuses_rather_than_guessing_with_the_cache_unreachable(client):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = client.post(reverse("track"), {"tracking_number": "X", "query_code": "Y"})
    assert response.status_code == 429


@pytest.mark.django_db(transaction=True)
def test_an_approval_commits_with_the_broker_down_and_the_sweep_issues_its_license(item, applicant, approver, seal):
    with mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerDown("Error 111 connecting to redis")):
        application = approve(item.code, applicant, approver, issue=True)  # no exception reaches the approver
    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert not License.objects.filter(application=application).exists()

    just_before = NOW + services.claim_lease() - datetime.timedelta(seconds=1)
    assert stalled_work(at=just_before) == ([], [])
    with time_machine.travel(NOW + services.claim_lease(), tick=False):
        assert resume_license_work.delay().get() == 1
    license = License.objects.get(application=application)
    assert license.status == License.Status.VALID and license.file


def test_the_sweep_takes_a_dead_worker_s_claim_over_at_lease_end_and_not_before(approved):
    license = services.license_open(application_id=approved.pk)
    services._claim(license.pk, at=NOW)  # a worker claimed it, then was killed

    with time_machine.travel(NOW + services.claim_lease() - datetime.timedelta(seconds=1), tick=False):
        assert resume_license_work.delay().get() == 0
    assert License.objects.get(pk=license.pk).status == License.Status.PENDING
    with time_machine.travel(NOW + services.claim_lease(), tick=False):
        assert resume_license_work.delay().get() == 1
    assert License.objects.get(pk=license.pk).status == License.Status.VALID


def test_the_sweep_runs_every_minute():
    from portal.celery import app

    schedule = app.conf.beat_schedule["licenses-resume"]["schedule"]
    assert schedule.minute == set(range(60)) and schedule.hour == set(range(24))


def test_a_failure_between_the_store_and_the_commit_leaves_no_file(approved):
    license = services.license_open(application_id=approved.pk)
    with mock.patch.object(services, "_record", side_effect=ConnectionResetError("the database went away")):
        with pytest.raises(ConnectionResetError):
            services.license_produce(license_id=license.pk)
    license.refresh_from_db()
    assert license.status == License.Status.PENDING and license.pending_file == ""
    folder = f"licenses/{license.number}"
    assert not default_storage.exists(folder) or default_storage.listdir(folder)[1] == []

    services.license_produce(license_id=license.pk)  # the retry
    license.refresh_from_db()
    assert default_storage.listdir(folder)[1] == [license.file.name.rsplit("/", 1)[1]]
