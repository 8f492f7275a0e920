"""Seal jobs: thin, idempotent, each calls one service."""

import logging

from celery import shared_task
from django.utils import timezone

from seals import ledger, selectors, services

logger = logging.getLogger(__name__)


class UsageLogBroken(Exception):
    """The seal-usage log's hash chain, head or anchors do not check out."""


@shared_task(autoretry_for=(Exception,), retry_backoff=10, retry_backoff_max=600, max_retries=10)
def publish_crls() -> int:
    """Sign the root's and the issuing CA's CRLs afresh and store them (the web serves them)."""
    return len(services.crl_publish())


@shared_task(autoretry_for=(Exception,), retry_backoff=60, retry_backoff_max=3600, max_retries=5)
def renew_archive_timestamps() -> int:
    """Replace the TSA key when its year of use ends, then renew documents' archive timestamps."""
    services.tsa_ensure()
    return services.archive_renew_due_documents()


@shared_task
def audit_and_anchor_usage_log() -> int:
    """Nightly: check the seal-usage log as `manage.py seals_audit` does; if it is intact, anchor
    its head for the day with a timestamp token from the portal TSA. A broken log is logged
    as critical, raised, and not anchored. Returns the entries checked."""
    now = timezone.now()
    result = selectors.audit_usage_log()
    if not result.ok:
        message = f"seal-usage log broken at entry {result.broken_seq}: {result.problem}"
        logger.critical("seals: %s", message)
        raise UsageLogBroken(message)
    ledger.anchor_create(timestamper=services.portal_timestamper(), day=timezone.localdate(now), at=now)
    return result.checked
