from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_deadlines_task() -> dict:
    """Mark due-soon and overdue work and escalate it (approvals.sweep); returns the counts."""
    from approvals.sweep import sweep_deadlines

    return sweep_deadlines(at=timezone.now()).as_dict()
