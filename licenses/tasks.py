"""License jobs. Each takes ids, calls one service and retries with backoff;
the services' claims make duplicates and retries harmless.

The tasks depend on the services, not the other way round: a service that
queues a task imports it only when it queues it, after its commit."""

import math

from celery import shared_task
from django.utils import timezone

from licenses import selectors, services
from licenses.models import ReissueJob

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 10,  # 10 s, 20 s, 40 s … up to 15 minutes
    "retry_backoff_max": 900,
    "retry_jitter": True,
    "max_retries": 10,
}


def _produce(task, license_id: int) -> bool:
    """Produce the license; if another worker's claim is in the way, come back when its lease
    ends. That worker may be dead (this is then the redelivery of its task): the claim is
    taken over the moment the lease runs out, not at the next sweep."""
    if services.license_produce(license_id=license_id) is not None:
        return True
    now = timezone.now()
    until = services.claim_held_until(license_id=license_id, at=now)
    if until is not None:
        raise task.retry(countdown=math.ceil((until - now).total_seconds()) + 1)
    return False


@shared_task(bind=True, **RETRY)
def issue_license(self, application_id: int) -> str | None:
    """After approval: open the application's license (once) and produce it (once)."""
    license = services.license_open(application_id=application_id)
    if license is None:
        return None
    _produce(self, license.pk)
    return license.number


@shared_task(bind=True, **RETRY)
def produce_license(self, license_id: int) -> bool:
    """Produce the wanted revision of a license (a re-issue, a retry asked for by staff)."""
    return _produce(self, license_id)


@shared_task
def run_reissue_job(job_id: int) -> int:
    """Fan a re-issue job out: one production task per license still waiting."""
    job = ReissueJob.objects.filter(pk=job_id).first()
    if job is None:
        return 0
    ids = services.reissue_pending_ids(job)
    for license_id in ids:
        produce_license.delay(license_id)
    return len(ids)


@shared_task(**RETRY)
def reseal_licenses(seal_id: int) -> int:
    """After a seal was revoked for key compromise: re-issue what it sealed; returns how many."""
    from seals.models import Seal

    seal = Seal.objects.select_related("department").get(pk=seal_id)
    return sum(job.total for job in services.licenses_reseal(seal=seal))


@shared_task
def expire_licenses() -> int:
    """Nightly: mark licenses past their last day as expired; returns how many."""
    now = timezone.now()
    return services.licenses_expire(today=timezone.localdate(now), at=now)


@shared_task
def resume_license_work() -> int:
    """Every few minutes: re-enqueue work nobody is doing.

    That is a license whose worker died (its claim's lease ran out) or whose
    retries were used up, and an approved application whose issuing task was
    never queued (the broker was down at the commit). Files uploaded by dead
    workers of licenses revoked meanwhile are removed. Returns how many tasks
    were queued.
    """
    now = timezone.now()
    services.licenses_remove_abandoned_uploads(at=now)
    license_ids, application_ids = selectors.stalled_work(at=now)
    for license_id in license_ids:
        produce_license.delay(license_id)
    for application_id in application_ids:
        issue_license.delay(application_id)
    return len(license_ids) + len(application_ids)
