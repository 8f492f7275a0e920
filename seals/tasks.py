"""Seal jobs: thin, idempotent, each calls one service."""

from celery import shared_task

from seals import services


@shared_task(autoretry_for=(Exception,), retry_backoff=10, retry_backoff_max=600, max_retries=10)
def publish_crls() -> int:
    """Sign the root's and the issuing CA's CRLs afresh and store them (the web serves them)."""
    return len(services.crl_publish())


@shared_task(autoretry_for=(Exception,), retry_backoff=60, retry_backoff_max=3600, max_retries=5)
def renew_archive_timestamps() -> int:
    """Replace the TSA certificate if it nears its end, then renew documents' archive timestamps."""
    services.tsa_ensure()
    return services.archive_renew_due_documents()
