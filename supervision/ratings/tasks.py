from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_cases_task() -> dict:
    """Escalate rectification cases past their callback or fix limit (supervision.ratings.sweep)."""
    from supervision.ratings.sweep import sweep_cases

    return sweep_cases(at=timezone.now())
