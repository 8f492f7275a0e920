from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_deadlines_task() -> dict:
    """Mark due-soon and overdue work and escalate it (approvals.sweep); returns the counts."""
    from approvals.sweep import sweep_deadlines

    return sweep_deadlines(at=timezone.now()).as_dict()


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=10, retry_backoff_max=900, retry_jitter=True, max_retries=8)
def produce_document(self, document_id: int) -> str | None:
    """Render, seal and store one decision document (approvals.documents); harmless to repeat.

    A department without an approval seal is not retried here: the document waits, and
    `produce_waiting_documents` queues it again once a seal may have been issued."""
    from django.core.exceptions import ValidationError

    from approvals.documents.services import document_produce

    try:
        document = document_produce(document_id=document_id)
    except ValidationError:
        return None
    return document.number if document else None


@shared_task
def produce_waiting_documents() -> int:
    """Queue every decision document still waiting for its sealed PDF (beat: every 10 minutes)."""
    from approvals.documents.services import produce_waiting_documents as queue_waiting

    return queue_waiting()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def tell_bundle_corrections() -> int:
    """Send each bundle's gathered correction notice once it is quiet (approvals.bundles); returns how many."""
    from approvals.bundles import bundle_corrections_tell

    return len(bundle_corrections_tell(at=timezone.now()))


@shared_task
def forget_bundle_drafts() -> int:
    """Delete the files of bundle drafts whose sessions ended (approvals.bundle_drafts); returns how many."""
    from approvals.bundle_drafts import bundle_drafts_forget

    return bundle_drafts_forget(at=timezone.now())
