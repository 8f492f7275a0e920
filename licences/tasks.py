"""Licence jobs. Each takes ids, calls one service and retries with backoff;
the services' claims make duplicates and retries harmless."""

from celery import shared_task
from django.utils import timezone

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 10,  # 10 s, 20 s, 40 s … up to 15 minutes
    "retry_backoff_max": 900,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(**RETRY)
def issue_licence(application_id: int) -> str | None:
    """After approval: open the application's licence (once) and produce it (once)."""
    from licences import services

    licence = services.licence_open(application_id=application_id)
    if licence is None:
        return None
    services.licence_produce(licence_id=licence.pk)
    return licence.number


@shared_task(**RETRY)
def produce_licence(licence_id: int) -> bool:
    """Produce the wanted revision of a licence (a re-issue, a retry asked for by staff)."""
    from licences import services

    return services.licence_produce(licence_id=licence_id) is not None


@shared_task
def run_reissue_job(job_id: int) -> int:
    """Fan a re-issue job out: one production task per licence still waiting."""
    from licences.models import ReissueJob
    from licences.services import reissue_pending_ids

    job = ReissueJob.objects.filter(pk=job_id).first()
    if job is None:
        return 0
    ids = reissue_pending_ids(job)
    for licence_id in ids:
        produce_licence.delay(licence_id)
    return len(ids)


@shared_task
def expire_licences() -> int:
    """Nightly: mark licences past their last day as expired; returns how many."""
    from licences.services import licences_expire

    now = timezone.now()
    return licences_expire(today=timezone.localdate(now), at=now)


@shared_task
def resume_licence_work() -> int:
    """Every few minutes: re-enqueue work nobody is doing.

    That is a licence whose worker died (its claim's lease ran out) or whose
    retries were used up, and an approved application whose issuing task was
    never queued (the broker was down at the commit). Returns how many.
    """
    from licences.selectors import stalled_work

    licence_ids, application_ids = stalled_work(at=timezone.now())
    for licence_id in licence_ids:
        produce_licence.delay(licence_id)
    for application_id in application_ids:
        issue_licence.delay(application_id)
    return len(licence_ids) + len(application_ids)
